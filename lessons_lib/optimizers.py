"""Optimizers with ``torch.optim``'s interface and numbers, without ``torch.optim``.

Used by every training loop of the library (chapters 1 to 10). :class:`SGD`,
:class:`Adam` and :class:`AdamW` apply the update rules of
:mod:`lessons_lib.update_rules` to each parameter of a model, with
``torch.optim``'s interface (``param_groups``, ``zero_grad()``, ``step()``); with
``fused=True`` they run PyTorch's fused kernels instead, as ``torch.optim`` does with
that option. :func:`make_optimizer` turns a loop's ``optimizer`` argument (a name, or
an optimizer object) into the optimizer it steps.

Why not ``torch.optim`` itself: constructing the first ``torch.optim`` optimizer in a
process imports ``torch._dynamo`` (``Optimizer.add_param_group`` is wrapped by
``torch._disable_dynamo``, and ``step`` imports it too), about 1.4 s of CPU before the
first step of a lesson that never compiles anything. The loops still accept any
``torch.optim`` optimizer a notebook passes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import torch

from .update_rules import Hyper, State, adam_update, new_adam_state, sgd_update
from .validation import check_choice, check_real

ParamsT = Iterable[torch.Tensor] | Iterable[Mapping[str, Any]]


class Stepper(Protocol):
    """What a training loop needs of an optimizer (``torch.optim`` or this module's)."""

    def zero_grad(self) -> None: ...

    def step(self) -> Any: ...


class Optimizer:
    """A ``torch.optim``-style optimizer that applies one of this module's updates.

    ``params`` is an iterable of tensors or of parameter groups (dicts with a
    ``"params"`` entry and per-group hyperparameters, as
    :func:`lessons_lib.penalties.param_groups` builds). Parameters without a gradient
    are skipped, as in ``torch.optim``. With ``fused=True`` a step runs PyTorch's fused
    kernel (the one ``torch.optim``'s ``fused=True`` runs: one call per group, the same
    numbers as that option) instead of the update function, parameter by parameter.
    """

    #: the hyperparameters a group may set, with their defaults
    defaults: dict[str, Any] = {}

    def __init__(self, params: ParamsT, fused: bool = False, **hyper: Any) -> None:
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        if not isinstance(groups[0], Mapping):
            groups = [{"params": groups}]
        if not isinstance(fused, bool):
            raise TypeError(f"fused must be True or False, got {fused!r}")
        self.fused = fused
        self.param_groups: list[dict[str, Any]] = []
        for i, group in enumerate(groups):
            if not isinstance(group, Mapping) or "params" not in group:
                raise TypeError(
                    f"params[{i}] must be a dict with a 'params' entry, got {type(group).__name__}"
                )
            unknown = set(group) - set(self.defaults) - {"params"}
            if unknown:
                raise ValueError(
                    f"params[{i}] sets {sorted(unknown)}; {type(self).__name__} takes "
                    f"{sorted(self.defaults)}"
                )
            params_i = group["params"]
            merged = {**self.defaults, **hyper, **group}
            merged["params"] = [params_i] if isinstance(params_i, torch.Tensor) else list(params_i)
            self._check(merged)
            self.param_groups.append(merged)
        self.state: dict[torch.Tensor, State] = {}

    def _check(self, group: dict[str, Any]) -> None:
        check_real("lr", group["lr"], low=0.0, low_inclusive=False)
        if not isinstance(group["weight_decay"], torch.Tensor):  # one value per network: ok
            check_real("weight_decay", group["weight_decay"], low=0.0)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients (set them to ``None``, as ``torch.optim`` does by default)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None and set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.zero_()

    @torch.no_grad()
    def step(self) -> None:
        """Update every parameter that has a gradient."""
        for group in self.param_groups:
            hyper = {k: v for k, v in group.items() if k != "params"}
            pairs = [(p, p.grad) for p in group["params"] if p.grad is not None]
            states = [self.state.setdefault(p, {}) for p, _ in pairs]
            if not self.fused:
                for (p, grad), state in zip(pairs, states, strict=True):
                    self._update(p, grad, state, **hyper)
            elif pairs:
                params, grads = [p for p, _ in pairs], [g for _, g in pairs]
                decay = hyper["weight_decay"]
                if isinstance(decay, torch.Tensor):  # one per network: outside the kernel
                    hyper["weight_decay"] = 0.0
                    for i, p in enumerate(params):
                        if hyper.get("decoupled"):
                            p.mul_(1 - hyper["lr"] * decay)
                        else:
                            grads[i] = grads[i] + decay * p
                self._fused(params, grads, states, **hyper)

    def _update(self, param: torch.Tensor, grad: torch.Tensor, state: State, **hyper: Any) -> None:
        raise NotImplementedError

    def _fused(
        self,
        params: list[torch.Tensor],
        grads: list[torch.Tensor],
        states: list[State],
        **hyper: Any,
    ) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        groups = ", ".join(
            str({k: v for k, v in g.items() if k != "params"}) for g in self.param_groups
        )
        return f"{type(self).__name__}({groups})"


class SGD(Optimizer):
    """``torch.optim.SGD(params, lr, momentum, weight_decay)`` on :func:`sgd_update`.

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([1.0]))
        >>> opt = SGD([w], lr=0.1, momentum=0.9)
        >>> (2 * w).sum().backward(); opt.step(); w.data
        tensor([0.8000])
    """

    defaults = {"lr": 1e-3, "momentum": 0.0, "weight_decay": 0.0}

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0.0,
        weight_decay: Hyper = 0.0,
        fused: bool = False,
    ) -> None:
        super().__init__(params, fused, lr=lr, momentum=momentum, weight_decay=weight_decay)

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        check_real("momentum", group["momentum"], low=0.0, high=1.0, high_inclusive=False)

    def _update(self, param: torch.Tensor, grad: torch.Tensor, state: State, **hyper: Any) -> None:
        sgd_update(param, grad, state, **hyper)

    def _fused(
        self,
        params: list[torch.Tensor],
        grads: list[torch.Tensor],
        states: list[State],
        **hyper: Any,
    ) -> None:
        first = hyper["momentum"] != 0 and "momentum_buffer" not in states[0]
        if first:
            for state, g in zip(states, grads, strict=True):
                state["momentum_buffer"] = torch.empty_like(g)
        buffers = [st["momentum_buffer"] for st in states] if hyper["momentum"] != 0 else []
        torch._fused_sgd_(
            params, grads, buffers, weight_decay=hyper["weight_decay"],
            momentum=hyper["momentum"], lr=hyper["lr"], dampening=0.0, nesterov=False,
            maximize=False, is_first_step=first,
        )  # fmt: skip


class Adam(Optimizer):
    """``torch.optim.Adam(params, lr, betas, eps, weight_decay)`` on :func:`adam_update`.

    ``weight_decay`` is an L2 penalty (coupled), as in ``torch.optim.Adam``.

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([1.0]))
        >>> opt = Adam([w], lr=0.1)
        >>> (2 * w).sum().backward(); opt.step(); w.data  # the first step moves by lr
        tensor([0.9000])
    """

    defaults = {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "decoupled": False,
    }

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: Hyper = 0.0,
        fused: bool = False,
    ) -> None:
        super().__init__(params, fused, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        for i, beta in enumerate(group["betas"]):
            check_real(f"betas[{i}]", beta, low=0.0, high=1.0, high_inclusive=False)
        check_real("eps", group["eps"], low=0.0)

    def _update(self, param: torch.Tensor, grad: torch.Tensor, state: State, **hyper: Any) -> None:
        adam_update(param, grad, state, **hyper)

    def _fused(
        self,
        params: list[torch.Tensor],
        grads: list[torch.Tensor],
        states: list[State],
        **hyper: Any,
    ) -> None:
        for p, state in zip(params, states, strict=True):
            if not state:
                state.update(new_adam_state(p))
        steps = [st["step"] for st in states]
        torch._foreach_add_(steps, 1)
        kernel = torch._fused_adamw_ if hyper["decoupled"] else torch._fused_adam_
        kernel(
            params, grads, [st["exp_avg"] for st in states],
            [st["exp_avg_sq"] for st in states], [], steps, amsgrad=False, lr=hyper["lr"],
            beta1=hyper["betas"][0], beta2=hyper["betas"][1],
            weight_decay=hyper["weight_decay"], eps=hyper["eps"], maximize=False,
        )  # fmt: skip


class AdamW(Adam):
    """``torch.optim.AdamW``: Adam with decoupled weight decay (default ``1e-2``, as torch's).

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([1.0]))
        >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
        >>> (0 * w).sum().backward(); opt.step(); w.data  # pure decay: 1 - 0.1 * 0.5
        tensor([0.9500])
    """

    defaults = {**Adam.defaults, "weight_decay": 1e-2, "decoupled": True}

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: Hyper = 1e-2,
        fused: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, fused)


#: The optimizers a training loop accepts by name.
OPTIMIZERS: dict[str, type[Optimizer]] = {"adam": Adam, "adamw": AdamW, "sgd": SGD}


def make_optimizer(optimizer: str | Stepper, params: ParamsT, lr: Hyper) -> Stepper:
    """The optimizer a training loop steps: built from a name, or the one given.

    Args:
        optimizer: ``"adam"``, ``"adamw"`` or ``"sgd"`` (built over ``params`` with
            ``lr`` and the class's other defaults), or an optimizer object (this module's
            or ``torch.optim``'s), returned as it is.
        params: the parameters (or groups) to optimize, used with a name.
        lr: learning rate, used with a name.

    Raises:
        ValueError: for an unknown name. TypeError: for an object without
            ``zero_grad`` and ``step``.

    Example:
        >>> opt = make_optimizer("adamw", [torch.zeros(2, requires_grad=True)], lr=0.1)
        >>> type(opt).__name__, opt.param_groups[0]["weight_decay"]
        ('AdamW', 0.01)
    """
    if isinstance(optimizer, str):
        name = check_choice("optimizer", optimizer, OPTIMIZERS)
        return OPTIMIZERS[name](params, lr=lr)
    if not all(callable(getattr(optimizer, m, None)) for m in ("zero_grad", "step")):
        raise TypeError(
            f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))} or an optimizer "
            f"with zero_grad() and step(), got {type(optimizer).__name__}"
        )
    return optimizer
