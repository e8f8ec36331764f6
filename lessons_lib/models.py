"""A small multilayer perceptron builder, and model utilities every chapter uses.

Taught in chapter 1; later chapters add dropout (chapter 5) and batch normalization
(chapter 6) through the same arguments. :func:`eval_mode` evaluates a model and then puts
every one of its layers back in the mode it was in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import torch
from torch import nn

from .validation import check_choice, check_int, check_probability

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU, "sigmoid": nn.Sigmoid}


def mlp(
    in_features: int,
    hidden_sizes: Sequence[int],
    out_features: int,
    activation: str = "relu",
    dropout: float = 0.0,
    batch_norm: bool = False,
    seed: int | None = None,
) -> nn.Sequential:
    """Build ``Linear → [BatchNorm] → activation → [Dropout]`` blocks and a linear head.

    The head has no activation: it returns logits (use ``BCEWithLogitsLoss`` with one
    output, ``CrossEntropyLoss`` with several) or raw regression outputs.

    Args:
        in_features: size of each input.
        hidden_sizes: width of each hidden layer; ``()`` gives a linear model.
        out_features: size of the output.
        activation: ``"relu"``, ``"tanh"``, ``"gelu"`` or ``"sigmoid"``. Default: ``"relu"``.
        dropout: drop probability after each hidden activation, in ``[0, 1)``. Default: 0.
        batch_norm: insert ``BatchNorm1d`` before each activation. Default: ``False``.
        seed: if given, the initial weights are drawn from this seed (the global torch
            generator is left untouched). Default: ``None`` (use the global generator).

    Example:
        >>> model = mlp(2, [8, 8], 1, seed=0)
        >>> model(torch.zeros(5, 2)).shape
        torch.Size([5, 1])
        >>> sum(p.numel() for p in model.parameters())
        105
    """
    in_features = check_int("in_features", in_features, low=1)
    out_features = check_int("out_features", out_features, low=1)
    if isinstance(hidden_sizes, (str, bytes)) or not isinstance(hidden_sizes, Sequence):
        raise TypeError(f"hidden_sizes must be a sequence of integers, got {hidden_sizes!r}")
    widths = [check_int(f"hidden_sizes[{i}]", h, low=1) for i, h in enumerate(hidden_sizes)]
    check_choice("activation", activation, ACTIVATIONS)
    dropout = check_probability("dropout", dropout)

    def build() -> nn.Sequential:
        layers: list[nn.Module] = []
        fan_in = in_features
        for width in widths:
            layers.append(nn.Linear(fan_in, width))
            if batch_norm:
                layers.append(nn.BatchNorm1d(width))
            layers.append(ACTIVATIONS[activation]())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            fan_in = width
        layers.append(nn.Linear(fan_in, out_features))
        return nn.Sequential(*layers)

    if seed is None:
        return build()
    seed = check_int("seed", seed, low=0)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build()


def count_parameters(model: nn.Module) -> int:
    """Number of trainable scalars in ``model``.

    Example:
        >>> count_parameters(nn.Linear(3, 2))
        8
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


@contextmanager
def eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """Put ``model`` in eval mode for a ``with`` block, then restore every layer's mode.

    Restores the ``training`` flag of each submodule separately, not only the top-level
    one, so a model whose layers were in mixed modes (e.g. dropout on for Monte Carlo
    dropout, the rest in eval mode) comes back exactly as it was, even after an error.

    Args:
        model: the module to evaluate.

    Example:
        >>> net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
        >>> _ = net[1].eval()  # mixed modes: the container trains, dropout does not
        >>> with eval_mode(net):
        ...     [m.training for m in net.modules()]
        [False, False, False]
        >>> [m.training for m in net.modules()]
        [True, True, False]
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        yield model
    finally:
        for m, mode in modes:
            m.training = mode
