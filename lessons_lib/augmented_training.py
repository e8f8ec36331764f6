"""The training loop of chapter 8: fresh random augmentations at every step.

One of the course's training loops (see :mod:`lessons_lib.training` for the family):
like :func:`~lessons_lib.training.train` it shuffles mini-batches with a seeded
generator and steps one of :mod:`lessons_lib.optimizers`, but each batch passes through
``transform`` first, so the network sees a freshly drawn version of each image at every
step (a discrete transform, such as a whole-pixel shift, can draw the same version
again; ``transform=None`` trains on the originals). It also trains a stack of
independent models (:class:`~lessons_lib.convnet.StackedConvNet`) at once.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from .augmentation import check_images
from .optimizers import Stepper, make_optimizer
from .validation import check_int, check_module, check_real

__all__ = ["fit_augmented"]


def fit_augmented(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    transform: Callable[[torch.Tensor, torch.Tensor, torch.Generator], tuple] | None = None,
    num_epochs: int = 100,
    lr: float = 0.01,
    batch_size: int | None = None,
    seed: int = 0,
    optimizer: str | Stepper = "adam",
) -> nn.Module:
    """Train a classifier on freshly augmented images at every epoch.

    Two layouts are accepted. One model: ``X`` of shape ``(N, H, W)``, labels ``(N,)``,
    and ``model`` maps flat inputs ``(B, H*W)`` to logits ``(B, K)``. A stack of ``k``
    independent models (such as :class:`~lessons_lib.convnet.StackedConvNet`): ``X`` of
    shape ``(k, N, H, W)``, labels ``(k, N)``, and ``model`` maps ``(k, B, H, W)`` to
    ``(k, B, K)``; the loss is the sum over the stack of each model's mean loss, so
    every model learns as if it were trained alone.

    In both layouts ``transform`` sees one flat batch: images ``(k*B, H, W)`` and labels
    ``(k*B,)``, model by model in blocks of ``B`` (a single model is ``k = 1``).

    Args:
        model: the classifier (see above).
        X: images; y: integer labels.
        transform: ``transform(x_batch, y_batch, generator) -> (x_aug, targets)`` where
            ``targets`` are integer labels ``(k*B,)`` or soft targets ``(k*B, K)``;
            ``None`` trains on the original images.
        num_epochs, lr, batch_size: ``num_epochs`` passes over the data, in
            mini-batches of ``batch_size`` (``None``: full batch).
        seed: seeds the shuffling and every augmentation.
        optimizer: ``"adam"`` (default), ``"adamw"`` or ``"sgd"``, built with ``lr``, or
            an optimizer over ``model.parameters()`` (then ``lr`` is not used).

    Returns:
        The trained model, in eval mode.
    """
    check_module("model", model)
    if not isinstance(X, torch.Tensor) or X.dim() not in (3, 4):
        got = tuple(X.shape) if isinstance(X, torch.Tensor) else type(X).__name__
        raise TypeError(f"X must be images (N, H, W) or a stack (k, N, H, W), got {got}")
    stacked = X.dim() == 4
    check_images(X.flatten(0, 1) if stacked else X)
    if not isinstance(y, torch.Tensor) or y.shape != X.shape[: X.dim() - 2]:
        got = tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__
        raise ValueError(f"y must have shape {tuple(X.shape[: X.dim() - 2])}, got {got}")
    num_epochs = check_int("num_epochs", num_epochs, low=1)
    lr = check_real("lr", lr, low=0.0, low_inclusive=False)
    gen = torch.Generator().manual_seed(check_int("seed", seed, low=0))
    optimizer = make_optimizer(optimizer, model.parameters(), lr)
    k, n = (X.shape[0], X.shape[1]) if stacked else (1, len(X))
    Xk, yk = (X, y) if stacked else (X[None], y[None])
    bs = n if batch_size is None else check_int("batch_size", batch_size, low=1)
    model.train()
    for _ in range(num_epochs):
        perm = torch.randperm(n, generator=gen)
        for start in range(0, n, bs):
            idx = perm[start : start + bs]
            xb, yb = Xk[:, idx].flatten(0, 1), yk[:, idx].flatten()
            if transform is not None:
                xb, yb = transform(xb, yb, gen)
            optimizer.zero_grad()
            if stacked:
                logits = model(xb.reshape(k, len(idx), *xb.shape[1:])).flatten(0, 1)
            else:
                logits = model(xb.reshape(len(xb), -1))
            loss = k * F.cross_entropy(logits, yb)  # k models: the sum of their means
            loss.backward()
            optimizer.step()
    model.eval()
    return model
