"""The three tasks a training loop supports, and what each one implies.

Used by :mod:`lessons_lib.training` from chapter 1 on. A task is inferred from the
targets unless given:

* ``"binary"``: integer labels in ``{0, 1}`` and one output logit (``BCEWithLogitsLoss``);
* ``"multiclass"``: integer labels and one logit per class (``CrossEntropyLoss``);
* ``"regression"``: float targets (``MSELoss``).
"""

from __future__ import annotations

import torch
from torch import nn

from .validation import check_choice

__all__ = ["TASKS", "default_loss", "infer_task", "match_output", "output_labels"]

TASKS = ("binary", "multiclass", "regression")


def infer_task(model_output_size: int, y: torch.Tensor) -> str:
    """Guess the task from the targets' dtype and the model's output size."""
    if y.is_floating_point():
        return "regression"
    return "binary" if model_output_size == 1 else "multiclass"


def default_loss(task: str) -> nn.Module:
    """The loss that matches ``task``: BCE-with-logits, cross-entropy or MSE."""
    check_choice("task", task, TASKS)
    return {
        "binary": nn.BCEWithLogitsLoss,
        "multiclass": nn.CrossEntropyLoss,
        "regression": nn.MSELoss,
    }[task]()


def match_output(
    output: torch.Tensor, y: torch.Tensor, task: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """Shape ``output`` and ``y`` for the task's loss: one logit per example and float
    labels for ``"binary"``, ``y``'s shape for ``"regression"``, unchanged otherwise."""
    if task == "binary":
        return output.reshape(-1), y.to(output.dtype)
    if task == "regression":
        return output.reshape(y.shape), y
    return output, y


def output_labels(output: torch.Tensor, task: str) -> torch.Tensor:
    """The labels a model's ``output`` predicts; regression outputs are returned as they are.

    Binary: a logit above 0 is class 1. Multiclass: the class of the largest logit.

    Example:
        >>> output_labels(torch.tensor([[2.0], [-1.0]]), "binary")
        tensor([1, 0])
    """
    check_choice("task", task, TASKS)
    if task == "binary":
        return (output.reshape(-1) > 0).long()
    if task == "multiclass":
        return output.argmax(dim=1)
    return output
