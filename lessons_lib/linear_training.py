"""The training loop of chapter 4: a grid of linear models trained with Adam at once.

One of the course's training loops (see :mod:`lessons_lib.training` for the family).
The models are linear, so the gradient is written out by hand and every
(configuration, seed) pair steps together through
:func:`lessons_lib.update_rules.adam_update`, whose learning rate and decay may differ
along the configuration axis. Shapes: ``S`` seeds, ``C`` configurations, ``d``
inputs; data ``(S, n, d)`` and ``(S, n)``; weights ``(C, S, d)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from .seeding import make_generator
from .update_rules import adam_update
from .validation import check_int, check_real
from .weight_decay import RegressionSets

__all__ = ["fit_linear_adam"]


def fit_linear_adam(
    sets: RegressionSets,
    lr: Sequence[float],
    weight_decay: Sequence[float],
    decoupled: Sequence[bool],
    num_epochs: int = 100,
    batch_size: int = 5,
    seed: int = 0,
) -> torch.Tensor:
    """Train ``C`` configurations × ``S`` seeds of linear models with Adam; test MSE.

    Configuration ``c`` uses ``lr[c]``, ``weight_decay[c]`` and Adam + L2 or AdamW
    (``decoupled[c]``) on the weights; the bias is never decayed. Every configuration
    starts from ``sets.w_init`` (bias 0) and sees the same mini-batches, so
    configurations are paired seed by seed. The loss is the mean squared error.

    Args:
        sets: data from :func:`~lessons_lib.weight_decay.high_dim_regression`.
        lr, weight_decay, decoupled: one value per configuration (same length ``C``).
        num_epochs: passes over the training set. Default: 100.
        batch_size: examples per step. Default: 5.
        seed: seed of the batch order. Default: 0.

    Returns:
        Test mean squared error, shape ``(C, S)``.

    Example:
        >>> from lessons_lib.weight_decay import high_dim_regression
        >>> sets = high_dim_regression([0, 1])
        >>> fit_linear_adam(sets, [0.01, 0.01], [0.0, 1.0], [False, True], 5).shape
        torch.Size([2, 2])
    """
    if not isinstance(sets, RegressionSets):
        raise TypeError(f"sets must be RegressionSets, got {type(sets).__name__}")
    if not len(lr) == len(weight_decay) == len(decoupled) >= 1:
        raise ValueError(
            "lr, weight_decay and decoupled must have one value per configuration, got "
            f"lengths {len(lr)}, {len(weight_decay)} and {len(decoupled)}"
        )
    lrs = [check_real(f"lr[{i}]", v, low=0.0, low_inclusive=False) for i, v in enumerate(lr)]
    wds = [check_real(f"weight_decay[{i}]", v, low=0.0) for i, v in enumerate(weight_decay)]
    num_epochs = check_int("num_epochs", num_epochs, low=1)
    n = sets.X_train.shape[1]
    batch_size = check_int("batch_size", batch_size, low=1, high=n)
    dtype = sets.X_train.dtype
    C = len(lrs)
    lr_t = torch.tensor(lrs, dtype=dtype).view(C, 1, 1)
    wd_t = torch.tensor(wds, dtype=dtype).view(C, 1, 1)
    dec = torch.tensor([bool(x) for x in decoupled]).view(C, 1, 1)
    w = sets.w_init.expand(C, *sets.w_init.shape).clone()
    b = torch.zeros(C, sets.w_init.shape[0], 1, dtype=dtype)
    state_w: dict = {}
    state_b: dict = {}
    gen = make_generator(check_int("seed", seed, low=0))
    for _ in range(num_epochs):
        order = torch.randperm(n, generator=gen)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            Xb, yb = sets.X_train[:, idx], sets.y_train[:, idx]
            resid = torch.einsum("snd,csd->csn", Xb, w) + b - yb
            grad_w = torch.einsum("snd,csn->csd", Xb, resid) * (2 / len(idx))
            grad_b = resid.mean(dim=-1, keepdim=True) * 2
            adam_update(w, grad_w, state_w, lr=lr_t, weight_decay=wd_t, decoupled=dec)
            adam_update(b, grad_b, state_b, lr=lr_t)
    pred = torch.einsum("snd,csd->csn", sets.X_test, w) + b
    return ((pred - sets.y_test) ** 2).mean(dim=-1)
