"""Tests of lessons_lib.tasks: inferring the task, its loss and its predicted labels."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lessons_lib.tasks import default_loss, infer_task, output_labels


def test_infer_task():
    assert infer_task(1, torch.tensor([0, 1])) == "binary"
    assert infer_task(3, torch.tensor([0, 2])) == "multiclass"
    assert infer_task(1, torch.tensor([0.5, 1.0])) == "regression"
    assert infer_task(4, torch.tensor([0.5, 1.0])) == "regression"


def test_default_loss_matches_the_task():
    assert isinstance(default_loss("binary"), nn.BCEWithLogitsLoss)
    assert isinstance(default_loss("multiclass"), nn.CrossEntropyLoss)
    assert isinstance(default_loss("regression"), nn.MSELoss)
    with pytest.raises(
        ValueError, match="task must be one of 'binary', 'multiclass', 'regression'; got 'ranking'"
    ):
        default_loss("ranking")


def test_output_labels_binary_thresholds_logits_at_zero():
    out = torch.tensor([[2.0], [-1.0], [0.0], [0.1]])
    assert output_labels(out, "binary").tolist() == [1, 0, 0, 1]


def test_output_labels_multiclass_uses_argmax_and_regression_passes_through():
    out = torch.tensor([[0.1, 2.0, 0.3], [5.0, 0.0, 1.0], [0.0, 0.0, 9.0]])
    assert output_labels(out, "multiclass").tolist() == [1, 0, 2]
    assert output_labels(out, "regression") is out


def test_output_labels_rejects_an_unknown_task():
    with pytest.raises(ValueError, match="task must be one of .*; got 'binray'"):
        output_labels(torch.tensor([[1.0], [-1.0]]), "binray")
