"""SGD (momentum, weight decay), Adam and AdamW as PyTorch defines them: one tensor, one step.

Taught in chapter 4 (weight decay in SGD; Adam with an L2 penalty against AdamW). Each
rule updates one tensor in place, with the same operations in the same order as
``torch.optim``'s single-tensor implementation, so a run gives the same numbers, bit for
bit (tested step by step against ``torch.optim``). The optimizers of
:mod:`lessons_lib.optimizers` apply them to every parameter of a model.

Beyond ``torch.optim``, ``lr`` and ``weight_decay`` may be tensors that broadcast
against the parameter, so one update trains a grid of configurations, one per slice of
a stacked parameter (chapters 4 and 10).
"""

from __future__ import annotations

from typing import Any

import torch

Hyper = float | torch.Tensor  # a hyperparameter: one value, or one per slice of the tensor
State = dict[str, Any]


def _check_pair(param: torch.Tensor, grad: torch.Tensor) -> None:
    if not isinstance(param, torch.Tensor) or not isinstance(grad, torch.Tensor):
        raise TypeError(
            f"param and grad must be tensors, got {type(param).__name__} and {type(grad).__name__}"
        )
    if param.shape != grad.shape:
        raise ValueError(
            f"grad must have the shape of param {tuple(param.shape)}, got {tuple(grad.shape)}"
        )


def _is_zero(value: Hyper) -> bool:
    return not isinstance(value, torch.Tensor) and value == 0


def _add_decay(grad: torch.Tensor, param: torch.Tensor, weight_decay: Hyper) -> torch.Tensor:
    """``grad + weight_decay * param``: the gradient of the L2 term ``(wd / 2) Σ w²``."""
    if isinstance(weight_decay, torch.Tensor):
        return grad + weight_decay * param
    return grad.add(param, alpha=weight_decay)  # torch.optim's operation, same rounding


@torch.no_grad()
def sgd_update(
    param: torch.Tensor,
    grad: torch.Tensor,
    state: State,
    *,
    lr: Hyper,
    momentum: float = 0.0,
    weight_decay: Hyper = 0.0,
) -> None:
    """One step of ``torch.optim.SGD`` on ``param``, in place.

    .. math::
        g \\leftarrow g + \\text{wd}\\, w, \\qquad
        b \\leftarrow \\mu b + g \\;(b_1 = g_1), \\qquad
        w \\leftarrow w - \\eta\\, b

    (with ``momentum = 0`` the step uses ``g`` itself).

    Args:
        param: the parameter, updated in place.
        grad: its gradient, same shape.
        state: ``{}`` before the first step; keeps ``momentum_buffer``.
        lr: learning rate ``η`` (a float, or a tensor broadcasting against ``param``).
        momentum: ``μ`` in ``[0, 1)``. Default: 0.
        weight_decay: coupled decay ``wd >= 0`` (a float or a tensor). Default: 0.

    Example:
        >>> w, state = torch.tensor([1.0]), {}
        >>> sgd_update(w, torch.tensor([0.5]), state, lr=0.1, weight_decay=0.2)
        >>> w  # 1 - 0.1 * (0.5 + 0.2 * 1)
        tensor([0.9300])
    """
    _check_pair(param, grad)
    if not _is_zero(weight_decay):
        grad = _add_decay(grad, param, weight_decay)
    if momentum != 0:
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = grad.detach().clone()
        else:
            buf.mul_(momentum).add_(grad)
        grad = buf
    if isinstance(lr, torch.Tensor):
        param.sub_(lr * grad)
    else:
        param.add_(grad, alpha=-lr)


def new_adam_state(param: torch.Tensor) -> State:
    """Adam's state before its first step: a step counter (float32, as in ``torch.optim``)
    and two moment estimates of ``param``'s shape, all zero."""
    zeros = torch.zeros_like
    return {"step": torch.zeros(()), "exp_avg": zeros(param), "exp_avg_sq": zeros(param)}


@torch.no_grad()
def adam_update(
    param: torch.Tensor,
    grad: torch.Tensor,
    state: State,
    *,
    lr: Hyper,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: Hyper = 0.0,
    decoupled: bool | torch.Tensor = False,
) -> None:
    """One step of ``torch.optim.Adam`` (``decoupled=False``) or ``AdamW`` on ``param``.

    .. math::
        m \\leftarrow \\beta_1 m + (1-\\beta_1) g, \\quad
        v \\leftarrow \\beta_2 v + (1-\\beta_2) g^2, \\quad
        w \\leftarrow w - \\frac{\\eta}{1-\\beta_1^t}
            \\frac{m}{\\sqrt{v} / \\sqrt{1-\\beta_2^t} + \\epsilon}

    With ``decoupled=False`` the penalty's gradient ``weight_decay * w`` joins ``g``
    before the moments (``Adam(weight_decay=…)``, an L2 penalty); with ``True`` the
    weights are first multiplied by ``1 - lr * weight_decay`` and the moments see the
    data gradient only (``AdamW``). ``decoupled`` may be a boolean tensor that
    broadcasts against ``param``: one choice per configuration of a grid.

    Args:
        param: the parameter, updated in place.
        grad: its gradient (of the data loss), same shape.
        state: ``{}`` before the first step; keeps ``step`` (a float32 tensor, as in
            ``torch.optim``), ``exp_avg`` and ``exp_avg_sq``.
        lr: learning rate ``η`` (a float, or a tensor broadcasting against ``param``).
        betas: ``(β₁, β₂)``. Default: ``(0.9, 0.999)``.
        eps: ``ε``, added to the denominator. Default: ``1e-8``.
        weight_decay: strength ``>= 0`` of the penalty or decay (float or tensor).
            Default: 0.
        decoupled: ``True`` for AdamW. Default: ``False``.

    Example:
        >>> w, state = torch.tensor([1.0]), {}
        >>> adam_update(w, torch.tensor([0.0]), state, lr=0.1, weight_decay=0.5, decoupled=True)
        >>> w  # pure decay: 1 - 0.1 * 0.5
        tensor([0.9500])
    """
    _check_pair(param, grad)
    beta1, beta2 = betas
    if not state:
        state.update(new_adam_state(param))
    state["step"] += 1
    if isinstance(decoupled, torch.Tensor):  # a grid: split the decay into its two kinds
        zero = torch.zeros((), dtype=param.dtype)
        wd = torch.as_tensor(weight_decay, dtype=param.dtype)
        grad = _add_decay(grad, param, torch.where(decoupled, zero, wd))
        param.mul_(1 - lr * torch.where(decoupled, wd, zero))
    elif not _is_zero(weight_decay):
        if decoupled:
            param.mul_(1 - lr * weight_decay)
        else:
            grad = _add_decay(grad, param, weight_decay)
    exp_avg, exp_avg_sq, step = state["exp_avg"], state["exp_avg_sq"], state["step"].item()
    exp_avg.lerp_(grad, 1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    step_size = lr / (1 - beta1**step)
    denom = (exp_avg_sq.sqrt() / (1 - beta2**step) ** 0.5).add_(eps)
    if isinstance(step_size, torch.Tensor):
        param.sub_(step_size * exp_avg / denom)
    else:
        param.addcdiv_(exp_avg, denom, value=-step_size)
