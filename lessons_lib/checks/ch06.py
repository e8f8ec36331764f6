"""Checks for chapter 6, *Batch normalization*."""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..batch_norm import batch_norm
from ..normalization import group_norm
from .feedback import Feedback, call_learner


def reference_batch_norm_step(x, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """Return ``(y, new_running_mean, new_running_var)`` without modifying the inputs."""
    rm, rv = running_mean.clone(), running_var.clone()
    y = batch_norm(x, rm, rv, training=training, momentum=momentum, eps=eps)
    return y, rm, rv


def _three_tensors(name, got, C):
    try:
        y, rm, rv = got
    except (TypeError, ValueError):
        return None, Feedback(
            name, False, "return three tensors: (y, new_running_mean, new_running_var)."
        )
    if not all(isinstance(t, torch.Tensor) for t in (y, rm, rv)):
        return None, Feedback(name, False, "all three returned values must be torch tensors.")
    if tuple(rm.shape) != (C,) or tuple(rv.shape) != (C,):
        return None, Feedback(
            name,
            False,
            f"the running statistics must have shape ({C},), one value per feature; got "
            f"{tuple(rm.shape)} and {tuple(rv.shape)}.",
        )
    return (y.detach().double(), rm.detach().double(), rv.detach().double()), None


def check_batch_norm_step(fn: Callable[..., tuple]) -> Feedback:
    """Check a learner's ``batch_norm_step(x, running_mean, running_var, training, momentum, eps)``.

    Expected: ``(y, new_running_mean, new_running_var)``, with batch statistics (biased
    variance) and a momentum update (unbiased variance) in training mode, and running
    statistics, unchanged, in eval mode.

    Example:
        >>> check_batch_norm_step(reference_batch_norm_step).passed
        True
    """
    name = "batch norm step"
    gen = torch.Generator().manual_seed(0)
    N, C, momentum, eps = 6, 3, 0.2, 1e-5
    x = torch.randn(N, C, generator=gen, dtype=torch.float64) * torch.tensor([1.0, 2.0, 4.0]) + 3
    rm0 = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    rv0 = torch.tensor([1.5, 0.5, 3.0], dtype=torch.float64)

    # Training mode.
    got, problem = call_learner(name, fn, x.clone(), rm0.clone(), rv0.clone(), True, momentum, eps)
    if problem is not None:
        return problem
    out, problem = _three_tensors(name, got, C)
    if problem is not None:
        return problem
    y, rm, rv = out
    want_y, want_rm, want_rv = reference_batch_norm_step(x, rm0, rv0, True, momentum, eps)
    mean, var_b = x.mean(0), x.var(0, unbiased=False)
    var_u = x.var(0, unbiased=True)
    if y.shape != x.shape:
        return Feedback(name, False, f"y must have the input's shape {tuple(x.shape)}.")
    if not torch.allclose(y, want_y, atol=1e-6):
        if torch.allclose(y, (x - mean) / torch.sqrt(var_u + eps), atol=1e-6):
            why = (
                "you normalized with the unbiased variance (dividing by N - 1): the forward "
                "pass uses the biased batch variance, x.var(0, unbiased=False)."
            )
        elif torch.allclose(y, (x - rm0) / torch.sqrt(rv0 + eps), atol=1e-6):
            why = "in training mode normalize with the batch statistics, not the running ones."
        elif torch.allclose(y, (x - x.mean()) / torch.sqrt(x.var(unbiased=False) + eps), atol=1e-6):
            why = "take the mean and variance of each feature over the batch (dim 0)."
        else:
            why = "in training mode y = (x - batch mean) / sqrt(biased batch variance + eps)."
        return Feedback(name, False, f"training mode, wrong y: {why}")
    if not torch.allclose(rm, want_rm, atol=1e-6):
        if torch.allclose(rm, momentum * rm0 + (1 - momentum) * mean, atol=1e-6):
            why = (
                "momentum is the weight of the *new* batch value in PyTorch: "
                "(1 - momentum) * running + momentum * batch."
            )
        elif torch.allclose(rm, rm0, atol=1e-9):
            why = "the running mean must be updated in training mode."
        else:
            why = "new running mean = (1 - momentum) * running_mean + momentum * batch mean."
        return Feedback(name, False, f"training mode, wrong running mean: {why}")
    if not torch.allclose(rv, want_rv, atol=1e-6):
        if torch.allclose(rv, (1 - momentum) * rv0 + momentum * var_b, atol=1e-6):
            why = (
                "the running variance is updated with the *unbiased* batch variance "
                "(divide by N - 1), although the forward pass uses the biased one."
            )
        elif torch.allclose(rv, momentum * rv0 + (1 - momentum) * var_u, atol=1e-6):
            why = "momentum weights the new value: (1 - momentum) * running + momentum * batch."
        else:
            why = "new running var = (1 - momentum) * running_var + momentum * unbiased batch var."
        return Feedback(name, False, f"training mode, wrong running variance: {why}")

    # Eval mode.
    got, problem = call_learner(name, fn, x.clone(), rm0.clone(), rv0.clone(), False, momentum, eps)
    if problem is not None:
        return problem
    out, problem = _three_tensors(name, got, C)
    if problem is not None:
        return problem
    y, rm, rv = out
    if not (torch.allclose(rm, rm0) and torch.allclose(rv, rv0)):
        return Feedback(
            name,
            False,
            "eval mode must leave the running statistics unchanged: update them only in "
            "training mode.",
        )
    if not torch.allclose(y, (x - rm0) / torch.sqrt(rv0 + eps), atol=1e-6):
        if torch.allclose(y, (x - mean) / torch.sqrt(var_b + eps), atol=1e-6):
            why = "in eval mode normalize with the running statistics, not the batch ones."
        else:
            why = "in eval mode y = (x - running_mean) / sqrt(running_var + eps)."
        return Feedback(name, False, f"eval mode, wrong y: {why}")
    return Feedback(
        name,
        True,
        "batch statistics (biased variance) in training, momentum update with the unbiased "
        "variance, running statistics untouched and used in eval mode.",
    )


def check_group_norm(fn: Callable[[torch.Tensor, int, float], torch.Tensor]) -> Feedback:
    """Check a learner's ``group_norm(x, num_groups, eps)`` (no affine parameters).

    Example:
        >>> check_group_norm(lambda x, g, eps: group_norm(x, g, eps=eps)).passed
        True
        >>> check_group_norm(lambda x, g, eps: x).passed
        False
    """
    name = "group norm"
    gen = torch.Generator().manual_seed(1)
    x = (
        torch.randn(3, 6, 4, generator=gen, dtype=torch.float64)
        * torch.arange(1.0, 7.0)[:, None].double()
        + torch.arange(6.0)[:, None].double()
    )
    eps = 1e-5
    for groups in (3, 2):
        got, problem = call_learner(name, fn, x.clone(), groups, eps)
        if problem is not None:
            return problem
        if not isinstance(got, torch.Tensor) or got.shape != x.shape:
            return Feedback(name, False, f"return a tensor of the input's shape {tuple(x.shape)}.")
        got = got.detach().double()
        want = group_norm(x, groups, eps=eps)
        if torch.allclose(got, want, atol=1e-6):
            continue
        g = x.reshape(3, groups, -1)
        unbiased = (
            (g - g.mean(2, keepdim=True)) / torch.sqrt(g.var(2, keepdim=True) + eps)
        ).reshape(x.shape)
        over_batch = (x - x.mean((0, 2), keepdim=True)) / torch.sqrt(
            x.var((0, 2), unbiased=False, keepdim=True) + eps
        )
        inter = x.reshape(3, 6 // groups, groups, 4).transpose(1, 2).reshape(3, groups, -1)
        inter = (inter - inter.mean(2, keepdim=True)) / torch.sqrt(
            inter.var(2, unbiased=False, keepdim=True) + eps
        )
        inter = inter.reshape(3, groups, 6 // groups, 4).transpose(1, 2).reshape(x.shape)
        layer = (x - x.mean((1, 2), keepdim=True)) / torch.sqrt(
            x.var((1, 2), unbiased=False, keepdim=True) + eps
        )
        if torch.allclose(got, unbiased, atol=1e-6):
            why = "use the biased variance (unbiased=False), as all normalization layers do."
        elif torch.allclose(got, over_batch, atol=1e-6):
            why = (
                "that is batch norm: group norm takes its statistics within each example, "
                "never across the batch."
            )
        elif torch.allclose(got, inter, atol=1e-6):
            why = "a group is a block of *consecutive* channels: reshape x to (N, G, -1)."
        elif torch.allclose(got, layer, atol=1e-6):
            why = "that is layer norm over all channels: split the channels into num_groups groups."
        else:
            why = "reshape to (N, G, -1), normalize over the last axis, reshape back."
        return Feedback(name, False, f"with num_groups={groups}: {why}")
    return Feedback(name, True, "matches torch.nn.functional.group_norm for 2 and 3 groups.")
