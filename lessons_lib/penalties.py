"""Weight penalties (L1, L2, elastic net), which tensors they act on, decay groups.

Taught in chapter 2 (the L2 term of a tiny network), chapter 3 (L1, L2, elastic net,
biases and parameter groups; soft-thresholding is in :mod:`lessons_lib.proximal`) and
chapter 4 (weight decay in PyTorch's optimizers). Every penalty is a plain function
of a model or of a list of parameters, so it can be passed to :func:`lessons_lib.training.train` as
``penalty=functools.partial(l2_penalty, lam=1e-3)``.

Conventions (chapter 3 has the full table): here

.. math::
    \\text{L1} = \\lambda \\sum |w|, \\qquad \\text{L2} = \\lambda \\sum w^2, \\qquad
    \\text{EN} = \\alpha\\,\\rho \\sum |w| + \\tfrac{\\alpha (1 - \\rho)}{2} \\sum w^2,

the last one being scikit-learn's ``alpha`` (:math:`\\alpha`) and ``l1_ratio``
(:math:`\\rho`). Which tensors count as *biases* is decided by :func:`split_weights`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import nn

from .validation import check_choice, check_non_negative, check_real

Params = nn.Module | Iterable[torch.Tensor]
#: PyTorch's normalization layers, whose every parameter (γ and β) counts as a bias.
#: The course's own layers (chapter 6) say so themselves: see :func:`is_normalization`.
NORM_TYPES: tuple[type[nn.Module], ...] = (
    nn.modules.batchnorm._NormBase,
    nn.LayerNorm,
    nn.GroupNorm,
)
#: Names of parameter lists that hold biases or normalization parameters (StackedMLP).
BIAS_LISTS = ("biases", "gammas", "betas")
CONVENTIONS = ("lam", "lam/2", "lam/2m", "lam/2n")


def is_normalization(module: nn.Module) -> bool:
    """Whether ``module`` is a normalization layer, whose γ and β are never penalized.

    True for PyTorch's layers (:data:`NORM_TYPES`) and for any layer whose class sets
    ``is_normalization = True``, as the course's batch, layer and group normalization of
    chapter 6 do; this module needs no import of them.

    Example:
        >>> is_normalization(nn.LayerNorm(3)), is_normalization(nn.Linear(3, 2))
        (True, False)
    """
    return (
        isinstance(module, NORM_TYPES) or getattr(type(module), "is_normalization", False) is True
    )


def split_weights(params: Params) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Split parameters into ``(weights, biases)`` (chapter 3, *should biases be penalized?*).

    For a module, a parameter is a bias if its name ends in ``"bias"``, if it belongs to a
    normalization layer (:func:`is_normalization`: PyTorch's ``BatchNorm``, ``LayerNorm``,
    ``GroupNorm`` and the course's own layers of chapter 6), or if it sits in a parameter list
    named ``biases``, ``gammas`` or ``betas`` (a :class:`~lessons_lib.stacked.StackedMLP`);
    everything else is a weight. A parameter shared by several layers is listed once. For
    a plain list of tensors no names exist, so tensors with fewer than two dimensions
    (vectors and scalars) count as biases and matrices (or higher) as weights.

    Args:
        params: an ``nn.Module`` or an iterable of tensors.

    Returns:
        The two lists, each in the order of ``params``.

    Raises:
        TypeError: if ``params`` is neither a module nor an iterable of tensors.

    Example:
        >>> weights, biases = split_weights(nn.Linear(3, 2))
        >>> [tuple(w.shape) for w in weights], [tuple(b.shape) for b in biases]
        ([(2, 3)], [(2,)])
    """
    if isinstance(params, nn.Module):
        weights: list[torch.Tensor] = []
        biases: list[torch.Tensor] = []
        seen: set[int] = set()
        for module_name, module in params.named_modules():
            list_name = module_name.rsplit(".", 1)[-1]
            for name, p in module.named_parameters(recurse=False):
                if id(p) in seen:
                    continue
                seen.add(id(p))
                is_bias = (
                    name.endswith("bias")
                    or is_normalization(module)
                    or (isinstance(module, nn.ParameterList) and list_name in BIAS_LISTS)
                )
                (biases if is_bias else weights).append(p)
        return weights, biases
    if isinstance(params, (torch.Tensor, str, bytes)) or not isinstance(params, Iterable):
        raise TypeError(
            f"params must be an nn.Module or an iterable of tensors, got {type(params).__name__}"
        )
    tensors = list(params)
    for i, t in enumerate(tensors):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"params[{i}] must be a torch.Tensor, got {type(t).__name__}")
    return [t for t in tensors if t.dim() >= 2], [t for t in tensors if t.dim() < 2]


def penalized(params: Params, include_bias: bool = False) -> list[torch.Tensor]:
    """The tensors a penalty acts on: the weights, plus the biases if ``include_bias`` (ch. 3).

    Example:
        >>> len(penalized(nn.Linear(3, 2))), len(penalized(nn.Linear(3, 2), include_bias=True))
        (1, 2)
    """
    if not isinstance(include_bias, bool):
        raise TypeError(f"include_bias must be a bool, got {include_bias!r}")
    weights, biases = split_weights(params)
    return weights + biases if include_bias else weights


def _sum(tensors: list[torch.Tensor], fn: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    if not tensors:
        return torch.zeros(())
    return torch.stack([fn(t).sum() for t in tensors]).sum()


def l1_penalty(params: Params, lam: float, include_bias: bool = False) -> torch.Tensor:
    """L1 penalty ``lam * Σ|w|`` over the weights (and biases if ``include_bias``); chapter 3.

    Its (sub)gradient is ``lam * sign(w)``; at ``w = 0`` autograd returns 0, which is one
    valid subgradient (any value in ``[-lam, lam]`` is).

    Args:
        params: an ``nn.Module`` or an iterable of tensors (see :func:`split_weights`).
        lam: strength ``λ >= 0``.
        include_bias: also penalize biases. Default: ``False``.

    Returns:
        A scalar tensor, differentiable with respect to the parameters.

    Example:
        >>> w = torch.tensor([[1.0, -2.0]])
        >>> float(l1_penalty([w, torch.tensor([5.0])], lam=0.5))
        1.5
    """
    lam = check_non_negative("lam", lam)
    return lam * _sum(penalized(params, include_bias), torch.abs)


def l2_penalty(params: Params, lam: float, include_bias: bool = False) -> torch.Tensor:
    """L2 penalty ``lam * Σ w²`` over the weights (and biases if ``include_bias``); chapters 3–4.

    No factor ``1/2``: the gradient is ``2 * lam * w``, so this penalty equals PyTorch's
    ``weight_decay = 2 * lam`` under plain SGD (see :func:`to_weight_decay`).

    Args:
        params: an ``nn.Module`` or an iterable of tensors (see :func:`split_weights`).
        lam: strength ``λ >= 0``.
        include_bias: also penalize biases. Default: ``False``.

    Returns:
        A scalar tensor, differentiable with respect to the parameters.

    Example:
        >>> w = torch.tensor([[1.0, -2.0]])
        >>> float(l2_penalty([w], lam=0.5))
        2.5
    """
    lam = check_non_negative("lam", lam)
    return lam * _sum(penalized(params, include_bias), torch.square)


def elastic_net_penalty(
    params: Params, alpha: float, l1_ratio: float = 0.5, include_bias: bool = False
) -> torch.Tensor:
    """Elastic-net penalty in scikit-learn's parametrization (chapter 3).

    .. math:: \\alpha\\,\\rho \\sum |w| + \\frac{\\alpha\\,(1-\\rho)}{2} \\sum w^2

    with ``alpha`` :math:`= \\alpha` and ``l1_ratio`` :math:`= \\rho`. In the
    ``λ₁ Σ|w| + (λ₂/2) Σw²`` form this is ``λ₁ = αρ`` and ``λ₂ = α(1 − ρ)``.

    Args:
        params: an ``nn.Module`` or an iterable of tensors (see :func:`split_weights`).
        alpha: overall strength ``>= 0``.
        l1_ratio: share of L1, in ``[0, 1]``; 1 is pure L1, 0 pure L2. Default: 0.5.
        include_bias: also penalize biases. Default: ``False``.

    Example:
        >>> w = torch.tensor([[1.0, -2.0]])
        >>> float(elastic_net_penalty([w], alpha=1.0, l1_ratio=0.5))
        2.75
    """
    alpha = check_non_negative("alpha", alpha)
    l1_ratio = check_real("l1_ratio", l1_ratio, low=0.0, high=1.0)
    tensors = penalized(params, include_bias)
    return alpha * l1_ratio * _sum(tensors, torch.abs) + 0.5 * alpha * (1 - l1_ratio) * _sum(
        tensors, torch.square
    )


def to_weight_decay(
    lam: float, convention: str, n: int | None = None, *, m: int | None = None
) -> float:
    """The PyTorch ``weight_decay`` that an L2 penalty written in ``convention`` equals (ch. 3).

    ``torch.optim.SGD(weight_decay=wd)`` adds ``wd * w`` to each gradient, which is the
    gradient of ``(wd / 2) Σ w²``. With a data loss that is a *mean* over the examples
    of each step:

    ========================  =========================  ====================
    ``convention``            penalty in the loss         ``weight_decay``
    ========================  =========================  ====================
    ``"lam"``                 ``λ Σ w²``                  ``2λ``
    ``"lam/2"``               ``(λ/2) Σ w²``              ``λ``
    ``"lam/2m"``              ``(λ/2m) Σ w²``             ``λ/m``
    ``"lam/2n"``              ``(λ/2n) Σ w²``             ``λ/n``
    ========================  =========================  ====================

    Here ``m`` is the number of examples in a (mini-)batch and ``n`` the number of
    training examples; they coincide for full-batch training and differ otherwise.

    Args:
        lam: penalty strength ``λ >= 0`` in that convention.
        convention: ``"lam"``, ``"lam/2"``, ``"lam/2m"`` or ``"lam/2n"``.
        n: number of training examples; required for ``"lam/2n"``.
        m: batch size; required for ``"lam/2m"`` (keyword only).

    Example:
        >>> to_weight_decay(0.01, "lam"), to_weight_decay(0.01, "lam/2")
        (0.02, 0.01)
        >>> to_weight_decay(5.0, "lam/2n", n=1000), to_weight_decay(5.0, "lam/2m", m=10)
        (0.005, 0.5)
    """
    lam = check_non_negative("lam", lam)
    check_choice("convention", convention, CONVENTIONS)
    if convention == "lam":
        return 2.0 * lam
    if convention == "lam/2":
        return lam
    name, count = ("m", m) if convention == "lam/2m" else ("n", n)
    if count is None:
        raise ValueError(f'{name} must be given for convention "{convention}", got None')
    return lam / check_real(name, count, low=0.0, low_inclusive=False)


def param_groups(model: nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """Optimizer parameter groups: decay weights, not biases or norm parameters (chapters 3–4).

    Args:
        model: the network (biases found by :func:`split_weights`).
        weight_decay: PyTorch ``weight_decay`` for the weights, ``>= 0``.

    Returns:
        ``[{"params": weights, "weight_decay": weight_decay},
        {"params": biases, "weight_decay": 0.0}]``, ready for any ``torch.optim``
        optimizer.

    Example:
        >>> groups = param_groups(nn.Linear(3, 2), weight_decay=1e-2)
        >>> [(len(g["params"]), g["weight_decay"]) for g in groups]
        [(1, 0.01), (1, 0.0)]
        >>> opt = torch.optim.SGD(groups, lr=0.1)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    weight_decay = check_non_negative("weight_decay", weight_decay)
    weights, biases = split_weights(model)
    return [
        {"params": weights, "weight_decay": weight_decay},
        {"params": biases, "weight_decay": 0.0},
    ]
