"""Shared helpers of the tests of lessons_lib.stacked and lessons_lib.stacked_training."""

from __future__ import annotations

import torch
from torch import nn

from lessons_lib.stacked import StackedMLP


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def plain_mlp(model: StackedMLP, j: int) -> nn.Sequential:
    """Network ``j`` of ``model`` rebuilt from nn.Linear layers (eval-mode semantics)."""
    layers: list[nn.Module] = []
    for W, b in zip(model.weights, model.biases, strict=True):
        lin = nn.Linear(W.shape[1], W.shape[2])
        with torch.no_grad():
            lin.weight.copy_(W[j].T)
            lin.bias.copy_(b[j, 0])
        layers += [lin, nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def toy_data(k: int, n: int, d: int = 2, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = gen(seed)
    X = torch.randn(k, n, d, generator=g)
    y = (X[..., 0] + 0.5 * torch.randn(k, n, generator=g) > 0).float()
    return X, y


def params_of(model: StackedMLP, j: int) -> list[torch.Tensor]:
    return [p.detach()[j].clone() for p in model.parameters()]


def step_length(after: list[torch.Tensor], before: list[torch.Tensor]) -> float:
    return float(torch.sqrt(sum((a - b).pow(2).sum() for a, b in zip(after, before, strict=True))))
