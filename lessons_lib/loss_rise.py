"""Where a rising validation loss comes from: confident mistakes.

Taught in chapter 1 (the learning curves of the large network). When a classifier
overfits, its validation loss can climb steeply while its validation accuracy hardly
moves. :class:`RecordOutputs` keeps the network's outputs on a fixed set of inputs
after every epoch, and :func:`loss_rise_by_correctness` splits the change of the mean
binary cross-entropy between two epochs into the part contributed by the examples the
network gets wrong at the later epoch and the part from those it gets right.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .training import Callback, History

__all__ = ["LossRise", "RecordOutputs", "loss_rise_by_correctness"]


class RecordOutputs(Callback):
    """A :func:`~lessons_lib.training.train` callback that records ``model(X)`` per epoch.

    The outputs are computed in eval mode without gradients, after the epoch's
    metrics, so ``outputs[k]`` belongs to the same model as ``history.val_loss[k]``.

    Args:
        X: inputs to evaluate after every epoch, shape ``(n, ...)``.

    Attributes:
        outputs: one tensor of shape ``(n,)`` (binary logits, flattened) or
            ``(n, classes)`` per epoch.

    Example:
        >>> from lessons_lib.data import two_moons
        >>> from lessons_lib.models import mlp
        >>> from lessons_lib.training import train
        >>> X, y = two_moons(32, seed=0)
        >>> rec = RecordOutputs(X[:5])
        >>> _ = train(mlp(2, [8], 1, seed=0), X, y, num_epochs=3, callbacks=[rec])
        >>> rec.stacked().shape
        torch.Size([3, 5])
    """

    def __init__(self, X: torch.Tensor) -> None:
        if not isinstance(X, torch.Tensor):
            raise TypeError(f"X must be a torch.Tensor, got {type(X).__name__}")
        self.X = X
        self.outputs: list[torch.Tensor] = []

    def on_train_begin(self, model: nn.Module, history: History) -> None:
        """Forget the outputs of an earlier run."""
        self.outputs = []

    @torch.no_grad()
    def on_epoch_end(self, epoch: int, model: nn.Module, history: History) -> None:
        """Evaluate ``model`` on ``X`` and keep the result."""
        was_training = model.training
        model.eval()
        out = model(self.X)
        model.train(was_training)
        self.outputs.append(out.reshape(len(self.X), -1).squeeze(1).detach().clone())

    def stacked(self) -> torch.Tensor:
        """All recorded outputs, shape ``(epochs, n)`` or ``(epochs, n, classes)``."""
        if not self.outputs:
            raise ValueError("no outputs recorded yet: pass the callback to train()")
        return torch.stack(self.outputs)


@dataclass(frozen=True)
class LossRise:
    """How the mean binary cross-entropy changed between two epochs, and from where.

    Attributes:
        total: mean loss after minus mean loss before.
        from_wrong: the part of ``total`` contributed by examples misclassified *after*
            (their summed change divided by the number of all examples).
        from_right: the part contributed by the correctly classified examples
            (``total = from_wrong + from_right``).
        share_wrong: ``from_wrong / total``; above 1 when the loss of the correctly
            classified examples fell.
        frac_wrong: fraction of examples misclassified after.
    """

    total: float
    from_wrong: float
    from_right: float
    share_wrong: float
    frac_wrong: float


def loss_rise_by_correctness(
    y_true: torch.Tensor, logits_before: torch.Tensor, logits_after: torch.Tensor
) -> LossRise:
    """Split the change of a binary classifier's mean cross-entropy by correctness.

    Labels first, like every metric of the course (scikit-learn's order).

    Args:
        y_true: labels in ``{0, 1}``, shape ``(n,)``, any numeric dtype.
        logits_before: logits at the earlier epoch, shape ``(n,)``.
        logits_after: logits at the later epoch, shape ``(n,)``.

    Returns:
        :class:`LossRise`; a prediction is counted as wrong when the sign of the later
        logit disagrees with the label.

    Raises:
        ValueError: if the shapes differ, are not 1-D, or the loss did not change.

    Example:
        >>> y = torch.tensor([1, 1, 0])
        >>> rise = loss_rise_by_correctness(
        ...     y, torch.tensor([1.0, -0.5, -1.0]), torch.tensor([3.0, -4.0, -2.0])
        ... )
        >>> round(rise.share_wrong, 2), round(rise.frac_wrong, 2)
        (1.17, 0.33)
    """
    tensors = {"y_true": y_true, "logits_before": logits_before, "logits_after": logits_after}
    for name, t in tensors.items():
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    shapes = {name: tuple(t.shape) for name, t in tensors.items()}
    if len(set(shapes.values())) != 1 or logits_before.dim() != 1:
        raise ValueError(
            f"y_true, logits_before and logits_after must be 1-D of one length, got {shapes}"
        )
    target = y_true.to(torch.float64)
    if not torch.all((target == 0) | (target == 1)):
        raise ValueError(f"y_true must hold labels 0 and 1, got values {target.unique().tolist()}")
    bce = nn.functional.binary_cross_entropy_with_logits
    before = bce(logits_before.detach().double(), target, reduction="none")
    after = bce(logits_after.detach().double(), target, reduction="none")
    change = after - before
    wrong = (logits_after.detach() > 0).double() != target
    n = len(target)
    total = float(change.sum() / n)
    if total == 0.0:
        raise ValueError("the mean loss did not change between the two epochs")
    from_wrong = float(change[wrong].sum() / n)
    return LossRise(
        total=total,
        from_wrong=from_wrong,
        from_right=total - from_wrong,
        share_wrong=from_wrong / total,
        frac_wrong=float(wrong.double().mean()),
    )
