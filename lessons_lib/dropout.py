"""Inverted dropout and DropConnect, written out and matched against PyTorch.

Taught in chapter 5. Both follow PyTorch's convention: ``p`` is the probability of
*dropping* a unit (or a weight), and the survivors are scaled by ``1 / (1 - p)`` during
training so that nothing has to change at inference. The original dropout paper
(Srivastava et al., 2014) uses the opposite convention, ``p`` = probability of
*keeping* a unit, and scales the weights at test time instead; chapter 5 puts the two
side by side.

Randomness is explicit: every function takes a ``generator`` (a ``torch.Generator``),
so an experiment can be repeated draw for draw without touching the global seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from .validation import check_int, check_probability, check_tensor

__all__ = [
    "DropConnectLinear",
    "Dropout",
    "drop_connect_linear",
    "dropout",
    "dropout_mask",
    "input_dropout_penalty",
]


def _check_generator(generator: object) -> torch.Generator | None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(
            f"generator must be a torch.Generator or None, got {type(generator).__name__}"
        )
    return generator


def dropout_mask(
    shape: tuple[int, ...] | torch.Size,
    p: float,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """Draw a keep-mask: each entry is 1 with probability ``1 - p`` and 0 with probability ``p``.

    Args:
        shape: shape of the mask.
        p: probability of an entry being 0 (dropped), in ``[0, 1)``.
        generator: source of randomness. Default: ``None`` (torch's global generator).
        dtype: floating dtype of the mask. Default: ``torch.float32``.

    Example:
        >>> m = dropout_mask((4, 1000), 0.3, torch.Generator().manual_seed(0))
        >>> set(m.unique().tolist()) == {0.0, 1.0}, abs(float(1 - m.mean()) - 0.3) < 0.03
        (True, True)
    """
    p = check_probability("p", p)
    generator = _check_generator(generator)
    return (torch.rand(tuple(shape), generator=generator) >= p).to(dtype)


def dropout(
    x: torch.Tensor,
    p: float = 0.5,
    training: bool = True,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Inverted dropout: zero each entry with probability ``p``, scale the rest by ``1/(1-p)``.

    In training mode every entry of ``x`` is kept independently with probability
    ``1 - p``; kept entries are divided by ``1 - p``, so that the expectation of the
    output equals ``x`` entry by entry. In eval mode (``training=False``) the input is
    returned unchanged: the scaling already happened during training, so inference needs
    no correction (scaling again there would shrink every activation by ``1 - p``).

    .. math:: \\tilde h = \\frac{m \\odot h}{1 - p}, \\qquad m_i \\sim \\mathrm{Bernoulli}(1 - p)

    Args:
        x: input of any shape, floating point.
        p: probability of dropping an entry, in ``[0, 1)``. Default: 0.5. (``nn.Dropout``
            also accepts ``p = 1`` and then returns zeros; here the scale ``1/(1-p)``
            would be undefined, so ``p = 1`` is rejected.)
        training: apply dropout (``True``) or return ``x`` unchanged. Default: ``True``.
        generator: source of randomness. Default: ``None`` (torch's global generator).

    Shape:
        Input: any. Output: same shape as the input.

    Example:
        >>> g = torch.Generator().manual_seed(0)
        >>> out = dropout(torch.ones(2, 4), p=0.5, generator=g)
        >>> sorted(set(out.flatten().tolist()) - {0.0})
        [2.0]
        >>> x = torch.randn(3)
        >>> dropout(x, p=0.5, training=False) is x
        True
    """
    x = check_tensor("x", x, dtype="float")
    p = check_probability("p", p)
    if not isinstance(training, bool):
        raise TypeError(f"training must be a bool, got {training!r}")
    if not training or p == 0.0:
        return x
    mask = dropout_mask(x.shape, p, generator, dtype=x.dtype).to(x.device)
    return x * mask / (1.0 - p)


def input_dropout_penalty(X: Any, w: Any, p: float) -> float:
    """The penalty that inverted input dropout adds to the expected squared error.

    For a linear model ``y_hat = X w`` whose inputs are dropped with probability ``p``
    (survivors scaled by ``1/(1-p)``), the expected mean squared error over the masks is
    the error without dropout plus

    .. math:: \\frac{p}{1-p} \\sum_j w_j^2 \\, \\frac{1}{n} \\sum_i x_{ij}^2,

    an L2 penalty whose weight for feature ``j`` grows with the mean square of that
    feature. It follows from ``Var(m / (1 - p)) = p / (1 - p)`` for a Bernoulli mask.

    Args:
        X: inputs ``(n, d)`` (array or tensor).
        w: weights ``(d,)``.
        p: drop probability in ``[0, 1)``.

    Returns:
        The penalty as a Python float.

    Raises:
        ValueError: if the shapes do not match.

    Example:
        >>> input_dropout_penalty(np.ones((4, 2)), np.array([1.0, 2.0]), 0.5)
        5.0
    """
    p = check_probability("p", p)
    X = np.asarray(X.detach() if isinstance(X, torch.Tensor) else X, dtype=float)
    w = np.asarray(w.detach() if isinstance(w, torch.Tensor) else w, dtype=float)
    if X.ndim != 2 or w.shape != (X.shape[1],):
        raise ValueError(f"X must be (n, d) and w (d,), got shapes {X.shape} and {w.shape}")
    return float(p / (1 - p) * np.sum(w**2 * np.mean(X**2, axis=0)))


class Dropout(nn.Module):
    """Module form of :func:`dropout`: active after ``.train()``, the identity after ``.eval()``.

    Behaves like ``torch.nn.Dropout`` (same ``p`` convention, same train/eval behaviour),
    but draws its masks from its own ``generator``, so two runs with equally seeded
    generators drop the same units.

    Args:
        p: probability of dropping an entry, in ``[0, 1)``. Default: 0.5.
        generator: source of randomness. Default: ``None`` (torch's global generator).

    Shape:
        Input: any. Output: same shape as the input.

    Example:
        >>> layer = Dropout(0.25, generator=torch.Generator().manual_seed(0))
        >>> layer
        Dropout(p=0.25)
        >>> x = torch.ones(1000)
        >>> abs(float(layer(x).mean()) - 1.0) < 0.1
        True
        >>> bool(torch.equal(layer.eval()(x), x))
        True
    """

    def __init__(self, p: float = 0.5, generator: torch.Generator | None = None) -> None:
        super().__init__()
        self.p = check_probability("p", p)
        self.generator = _check_generator(generator)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return dropout(x, self.p, self.training, self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}"


def drop_connect_linear(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    p: float = 0.5,
    training: bool = True,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """A linear layer whose *weights* are dropped: ``x ((M ⊙ W) / (1 - p))ᵀ + b``.

    DropConnect (Wan et al., 2013) zeroes individual weights instead of whole units.
    Here one mask ``M`` (entries 1 with probability ``1 - p``) is drawn per call and
    shared by the whole batch; the kept weights are scaled by ``1 / (1 - p)`` so the
    expected output is the ordinary linear layer, which is what eval mode returns. (The
    paper also samples per example and uses a Gaussian moment-matching rule at
    inference; the mean rule used here is the simple, common choice.)

    Args:
        x: input of shape ``(N, in_features)`` or ``(in_features,)``.
        weight: matrix of shape ``(out_features, in_features)``.
        bias: vector of shape ``(out_features,)`` or ``None``. Never dropped.
        p: probability of dropping a weight, in ``[0, 1)``. Default: 0.5.
        training: drop weights (``True``) or use all of them (``False``). Default: ``True``.
        generator: source of randomness. Default: ``None``.

    Example:
        >>> W, x = torch.ones(2, 3), torch.ones(1, 3)
        >>> drop_connect_linear(x, W, training=False)
        tensor([[3., 3.]])
    """
    x = check_tensor("x", x, dtype="float")
    weight = check_tensor("weight", weight, dtype="float")
    p = check_probability("p", p)
    if weight.dim() != 2:
        raise ValueError(f"weight must be 2-D (out_features, in_features), got {weight.dim()}-D")
    if x.dim() not in (1, 2):
        raise ValueError(f"x must be 1-D or 2-D (N, in_features), got {x.dim()}-D")
    if x.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"x has {x.shape[-1]} features but weight expects in_features={weight.shape[1]}"
        )
    if training and p > 0.0:
        mask = dropout_mask(weight.shape, p, generator, dtype=weight.dtype).to(weight.device)
        weight = weight * mask / (1.0 - p)
    return nn.functional.linear(x, weight, bias)


class DropConnectLinear(nn.Linear):
    """``nn.Linear`` with DropConnect on its weight matrix (see :func:`drop_connect_linear`).

    Args:
        in_features: size of each input.
        out_features: size of each output.
        p: probability of dropping a weight, in ``[0, 1)``. Default: 0.5.
        bias: learn an additive bias. Default: ``True``.
        generator: source of randomness. Default: ``None``.

    Shape:
        Input: ``(N, in_features)``. Output: ``(N, out_features)``.

    Example:
        >>> layer = DropConnectLinear(3, 2, p=0.5, generator=torch.Generator().manual_seed(0))
        >>> layer
        DropConnectLinear(in_features=3, out_features=2, bias=True, p=0.5)
        >>> layer(torch.ones(4, 3)).shape
        torch.Size([4, 2])
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        p: float = 0.5,
        bias: bool = True,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__(
            check_int("in_features", in_features, low=1),
            check_int("out_features", out_features, low=1),
            bias=bias,
        )
        self.p = check_probability("p", p)
        self.generator = _check_generator(generator)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return drop_connect_linear(x, self.weight, self.bias, self.p, self.training, self.generator)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, p={self.p}"
