"""Monte Carlo dropout: dropout kept on at prediction time (chapter 10).

:func:`mc_dropout_predict` keeps dropout switched on at prediction time and averages
many passes (Gal and Ghahramani, 2016): the spread of the passes is a cheap measure of
the model's uncertainty.
"""

from __future__ import annotations

import torch
from torch import nn

from .dropout import Dropout as CourseDropout
from .models import eval_mode
from .validation import check_int

__all__ = ["DROPOUT_TYPES", "mc_dropout_predict"]

#: Every PyTorch dropout layer (``Dropout``, ``Dropout1d/2d/3d``, the alpha variants)
#: derives from ``_DropoutNd``; the course's own layer is added to them.
DROPOUT_TYPES: tuple[type[nn.Module], ...] = (nn.modules.dropout._DropoutNd, CourseDropout)


@torch.no_grad()
def mc_dropout_predict(
    model: nn.Module, X: torch.Tensor, num_samples: int = 100
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and standard deviation of ``num_samples`` passes with dropout switched on.

    Only the dropout layers are put in training mode; everything else (batch norm in
    particular) stays in eval mode. The model's modes are restored afterwards.

    Args:
        model: a network containing at least one dropout layer.
        X: inputs.
        num_samples: number of stochastic passes, at least 2. Default: 100.

    Returns:
        ``(mean, std)`` over the passes, each shaped like one output of ``model``.

    Raises:
        ValueError: if ``model`` has no dropout layer (every pass would be equal).

    Example:
        >>> net = nn.Sequential(nn.Linear(1, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 1))
        >>> mean, std = mc_dropout_predict(net, torch.ones(4, 1), num_samples=10)
        >>> mean.shape, bool((std > 0).all())
        (torch.Size([4, 1]), True)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(X, torch.Tensor):
        raise TypeError(f"X must be a torch.Tensor, got {type(X).__name__}")
    num_samples = check_int("num_samples", num_samples, low=2)
    drops = [m for m in model.modules() if isinstance(m, DROPOUT_TYPES)]
    active = [m for m in drops if getattr(m, "p", 0.0) > 0]
    if not active:
        raise ValueError(
            "model has no dropout layer with p > 0: Monte Carlo dropout needs one "
            f"(found {len(drops)} dropout layers)"
        )
    with eval_mode(model):
        for m in drops:
            m.train()
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.std(dim=0)
