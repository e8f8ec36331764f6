"""Weight decay experiments on many linear models at once (chapter 4).

Chapter 4 reproduces the high-dimensional regression of :cite:t:`zhang2023dive` (200
inputs, 20 training points: a linear model can interpolate the training set) over
several seeds, and sweeps learning rate × weight decay for Adam with an L2 penalty and
for AdamW. Both need hundreds of mini-batch steps for dozens of (configuration, seed)
pairs; the functions here run them as one batched computation:

* :func:`high_dim_regression` draws the data sets, stacked along a seed axis;
* :func:`fit_linear_adam` trains a grid of linear models with
  :func:`lessons_lib.update_rules.adam_update`, one Adam step (with an L2 penalty or
  decoupled decay) whose learning rate and decay differ along the configuration axis.

Shapes: ``S`` seeds, ``C`` configurations, ``d`` inputs; data ``(S, n, d)`` and
``(S, n)``; weights ``(C, S, d)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from ._validate import check_int, check_real
from .seeding import make_generator
from .update_rules import adam_update


@dataclass(frozen=True)
class RegressionSets:
    """Training and test sets of several seeds, stacked along axis 0.

    Attributes:
        X_train, y_train: shapes ``(S, n_train, d)`` and ``(S, n_train)``.
        X_test, y_test: shapes ``(S, n_test, d)`` and ``(S, n_test)``.
        w_init: a standard normal initial weight vector per seed, shape ``(S, d)``.
    """

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    w_init: torch.Tensor


def high_dim_regression(
    seeds: Sequence[int],
    n_train: int = 20,
    n_test: int = 100,
    d: int = 200,
    noise: float = 0.01,
) -> RegressionSets:
    """Data sets ``y = 0.05 + 0.01 * sum(x) + noise``, ``x ~ N(0, I_d)``, one per seed.

    With ``d = 200`` inputs and ``n_train = 20`` points a linear model fits the training
    set exactly, and nothing in the data constrains the 180 directions orthogonal to the
    training inputs: only a penalty (or decay) removes what the initialization put there.

    Args:
        seeds: one seed per data set (and per initial weight vector).
        n_train: training points per set. Default: 20.
        n_test: test points per set. Default: 100.
        d: number of inputs. Default: 200.
        noise: standard deviation of the label noise. Default: 0.01.

    Returns:
        :class:`RegressionSets` in the current default dtype.

    Example:
        >>> sets = high_dim_regression([0, 1])
        >>> sets.X_train.shape, sets.y_test.shape, sets.w_init.shape
        (torch.Size([2, 20, 200]), torch.Size([2, 100]), torch.Size([2, 200]))
    """
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise TypeError(f"seeds must be a non-empty sequence of integers, got {seeds!r}")
    seeds = [check_int(f"seeds[{i}]", s, low=0) for i, s in enumerate(seeds)]
    n_train = check_int("n_train", n_train, low=1)
    n_test = check_int("n_test", n_test, low=1)
    d = check_int("d", d, low=1)
    noise = check_real("noise", noise, low=0.0)
    parts = []
    for s in seeds:
        gen = make_generator(s)
        X = torch.randn(n_train + n_test, d, generator=gen)
        y = 0.05 + 0.01 * X.sum(dim=1) + noise * torch.randn(n_train + n_test, generator=gen)
        parts.append((X, y, torch.randn(d, generator=gen)))
    X = torch.stack([p[0] for p in parts])
    y = torch.stack([p[1] for p in parts])
    w = torch.stack([p[2] for p in parts])
    return RegressionSets(X[:, :n_train], y[:, :n_train], X[:, n_train:], y[:, n_train:], w)


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
        sets: data from :func:`high_dim_regression`.
        lr, weight_decay, decoupled: one value per configuration (same length ``C``).
        num_epochs: passes over the training set. Default: 100.
        batch_size: examples per step. Default: 5.
        seed: seed of the batch order. Default: 0.

    Returns:
        Test mean squared error, shape ``(C, S)``.

    Example:
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
