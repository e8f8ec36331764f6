"""Several copies of one small network trained side by side, one History each.

Used in chapter 1 (the two-moons networks and the random-label digits runs, five and
three seeds at once) and in chapter 9, whose curves repeat the same small experiment
over seeds, penalty strengths and training-set sizes. :func:`train_batched` takes ``k``
networks built by :func:`lessons_lib.models.mlp` with the same layer sizes (each with
its own initial weights), gives each its own training and validation data, and trains
all of them in one loop: their weights are stacked along a leading axis, so every layer
is one batched matrix product (``torch.baddbmm``) instead of ``k``. The networks do not
interact: the summed loss gives each network the gradient of its own loss, and Adam
updates every weight on its own, so each network follows the run that
:func:`lessons_lib.training.train` would give it (the same numbers up to floating-point
rounding, tested against ``train``).

Unlike :class:`lessons_lib.stacked.StackedMLP` (chapter 10's binary stacks), it trains
networks the learner already has, binary or multiclass, on data sets of different sizes,
and returns the :class:`~lessons_lib.training.History` that ``train`` would return, so
``diagnose`` and ``plot_learning_curves`` read it as they read any run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .optimizers import make_optimizer
from .training import History
from .validation import check_both_or_neither, check_int, check_real

ACTIVATION_TYPES = (nn.ReLU, nn.Tanh, nn.GELU, nn.Sigmoid)


def _layers(models: Sequence[nn.Sequential]) -> list[nn.Module]:
    """The layers of the first model, after checking every model has the same ones."""
    if isinstance(models, nn.Module) or not isinstance(models, Sequence) or not models:
        raise TypeError(f"models must be a non-empty sequence of networks, got {models!r}")
    first = models[0]
    for j, model in enumerate(models):
        if not isinstance(model, nn.Sequential):
            raise TypeError(f"models[{j}] must be an nn.Sequential (from mlp), got {model!r}")
        for i, layer in enumerate(model):
            if not isinstance(layer, (nn.Linear, *ACTIVATION_TYPES)):
                raise TypeError(
                    f"models[{j}][{i}] is {type(layer).__name__}: only Linear layers and "
                    "activations (ReLU, Tanh, GELU, Sigmoid) can be trained side by side"
                )
        shapes = [tuple(p.shape) for p in model.parameters()]
        kinds = [type(layer) for layer in model]
        if shapes != [tuple(p.shape) for p in first.parameters()] or kinds != [
            type(layer) for layer in first
        ]:
            raise ValueError(f"models[{j}] must have the same layers as models[0], got {model}")
    layers = list(first)
    if not isinstance(layers[-1], nn.Linear):
        raise TypeError(
            f"the last layer of models[0] must be Linear (the logits), got {layers[-1]}"
        )
    return layers


def _padded(
    name: str, given: Sequence[torch.Tensor] | torch.Tensor, k: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """``k`` tensors of possibly different lengths as one zero-padded stack and a 0/1 mask."""
    # an already stacked (k, n, ...) tensor counts as its k slices
    tensors = list(given) if isinstance(given, torch.Tensor) else given
    if not isinstance(tensors, Sequence) or len(tensors) != k:
        raise ValueError(f"{name} must hold one tensor per model (k={k}), got {tensors!r:.80}")
    for j, t in enumerate(tensors):
        if not isinstance(t, torch.Tensor) or t.dim() == 0 or len(t) == 0:
            raise TypeError(f"{name}[{j}] must be a non-empty tensor, got {t!r:.80}")
    n_max = max(len(t) for t in tensors)
    stack = tensors[0].new_zeros((k, n_max, *tensors[0].shape[1:]))
    mask = torch.zeros(k, n_max)
    for j, t in enumerate(tensors):
        if t.shape[1:] != tensors[0].shape[1:]:
            raise ValueError(
                f"{name}[{j}] must have the shape {tuple(tensors[0].shape[1:])} per example, "
                f"got {tuple(t.shape[1:])}"
            )
        stack[j, : len(t)] = t
        mask[j, : len(t)] = 1.0
    return stack, mask


def _forward(layers: list[nn.Module], params: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Outputs ``(k, n, out)`` of the stacked networks for inputs ``(k, n, in)``."""
    it = iter(params)
    for layer in layers:
        if isinstance(layer, nn.Linear):
            W, b = next(it), next(it)  # (k, out, in), (k, 1, out)
            x = torch.baddbmm(b, x, W.transpose(1, 2))
        else:
            x = layer(x)
    return x


def _scores(
    out: torch.Tensor, y: torch.Tensor, mask: torch.Tensor, binary: bool
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per-network mean loss, accuracy and predicted labels, over the unmasked examples."""
    if binary:
        logits = out.squeeze(-1)
        loss = F.binary_cross_entropy_with_logits(logits, y.to(logits.dtype), reduction="none")
        labels = (logits > 0).long()
    else:
        loss = F.cross_entropy(out.transpose(1, 2), y, reduction="none")
        labels = out.argmax(dim=-1)
    count = mask.sum(dim=1)
    correct = (labels == y).to(mask.dtype)
    return (loss * mask).sum(dim=1) / count, (correct * mask).sum(dim=1) / count, labels


def train_batched(
    models: Sequence[nn.Sequential],
    X_train: Sequence[torch.Tensor],
    y_train: Sequence[torch.Tensor],
    X_val: Sequence[torch.Tensor] | None = None,
    y_val: Sequence[torch.Tensor] | None = None,
    *,
    num_epochs: int = 100,
    lr: float = 0.01,
    l2: float | Sequence[float] = 0.0,
    watch: Mapping[str, Sequence[torch.Tensor]] | None = None,
    watch_outputs: bool = False,
) -> list[History]:
    """Train ``k`` networks of the same shape side by side, each on its own data.

    Network ``j`` takes full-batch Adam steps (learning rate ``lr``) on the mean loss of
    ``(X_train[j], y_train[j])`` plus ``l2[j] * Σ w²`` over its weight matrices (biases
    are not penalized, as in :func:`lessons_lib.penalties.l2_penalty`): the run
    ``train(models[j], X_train[j], y_train[j], X_val[j], y_val[j], num_epochs=…,
    lr=…, penalty=lambda m: l2_penalty(m, l2[j]))`` would give, for all ``j`` in one
    loop. Binary networks (one output) use the binary cross-entropy, multiclass ones the
    cross-entropy. The data sets may have different numbers of examples.

    Args:
        models: networks from :func:`~lessons_lib.models.mlp` with the same layer
            sizes, made of ``Linear`` layers and activations only (no dropout or batch
            norm). They are trained in place and left in eval mode.
        X_train, y_train: one training set per network (integer labels).
        X_val, y_val: one validation set per network, or ``None`` (both or neither).
        num_epochs: number of full-batch steps, at least 1. Default: 100.
        lr: Adam's learning rate, ``> 0``. Default: 0.01.
        l2: strength ``λ >= 0`` of the penalty ``λ Σ w²``: one value for every network,
            or one per network. Default: 0.
        watch: optional named inputs, one tensor per network, e.g.
            ``{"test": [X_test_0, X_test_1]}``; after every epoch each network's
            predicted labels on its input are recorded in ``history.notes[name]``, an
            array of shape ``(num_epochs, n)`` (so a later cell can pick an epoch).
        watch_outputs: record the networks' raw outputs on the ``watch`` inputs (the
            logits: ``(num_epochs, n)`` for binary networks, ``(num_epochs, n,
            classes)`` otherwise), as :class:`~lessons_lib.loss_rise.RecordOutputs`
            does for ``train``, instead of the predicted labels. Default: ``False``.

    Returns:
        One :class:`~lessons_lib.training.History` per network, measured as ``train``
        measures it: after each epoch's step, in eval mode, the data loss without the
        penalty.

    Example:
        >>> from lessons_lib.data import two_moons
        >>> from lessons_lib.models import mlp
        >>> data = [two_moons(64, seed=s) for s in (0, 1)]
        >>> models = [mlp(2, [16], 1, seed=s) for s in (0, 1)]
        >>> runs = train_batched(models, [X for X, _ in data], [y for _, y in data],
        ...                      num_epochs=50, l2=[0.0, 0.01])
        >>> [len(h) for h in runs], all(h.train_acc[-1] > 0.8 for h in runs)
        ([50, 50], True)
    """
    layers = _layers(models)
    k = len(models)
    num_epochs = check_int("num_epochs", num_epochs, low=1)
    lr = check_real("lr", lr, low=0.0, low_inclusive=False)
    if isinstance(l2, Sequence) and not isinstance(l2, (str, bytes)):
        if len(l2) != k:
            raise ValueError(f"l2 must be one strength or one per model (k={k}), got {l2!r}")
        lams = [check_real(f"l2[{j}]", v, low=0.0) for j, v in enumerate(l2)]
    else:
        lams = [check_real("l2", l2, low=0.0)] * k
    check_both_or_neither(X_val=X_val, y_val=y_val)
    if not isinstance(watch_outputs, bool):
        raise TypeError(f"watch_outputs must be True or False, got {watch_outputs!r}")
    X, mask = _padded("X_train", X_train, k)
    y, _ = _padded("y_train", y_train, k)
    if y.is_floating_point():
        raise TypeError("y_train must hold integer class labels (regression is not supported)")
    val = None
    if X_val is not None and y_val is not None:
        Xv, mask_v = _padded("X_val", X_val, k)
        val = (Xv, _padded("y_val", y_val, k)[0], mask_v)
    watched: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    for name, inputs in (watch or {}).items():
        watched[name] = _padded(f"watch[{name!r}]", inputs, k)
    linear = [i for i, layer in enumerate(layers) if isinstance(layer, nn.Linear)]
    binary = _linear(models[0], linear[-1]).out_features == 1

    params: list[torch.Tensor] = []  # per Linear layer: weights (k, out, in), biases (k, 1, out)
    for i in linear:
        params.append(torch.stack([_linear(m, i).weight.detach() for m in models]))
        params.append(torch.stack([_linear(m, i).bias.detach()[None] for m in models]))
    for p in params:
        p.requires_grad_()
    weights = params[0::2]
    lam = torch.tensor(lams)
    optimizer = make_optimizer("adam", params, lr)  # torch.optim.Adam's numbers
    histories = [History() for _ in range(k)]
    records: dict[str, list[torch.Tensor]] = {name: [] for name in watched}
    for _ in range(num_epochs):
        optimizer.zero_grad()
        loss, _, _ = _scores(_forward(layers, params, X), y, mask, binary)
        if any(lams):
            loss = loss + lam * sum(W.square().sum(dim=(1, 2)) for W in weights)
        loss.sum().backward()  # network j's gradient is that of its own loss
        optimizer.step()
        with torch.no_grad():
            columns = [_scores(_forward(layers, params, X), y, mask, binary)[:2]]
            if val is not None:
                columns.append(
                    _scores(_forward(layers, params, val[0]), val[1], val[2], binary)[:2]
                )
            for name, (stacked, _) in watched.items():
                out = _forward(layers, params, stacked)
                if watch_outputs:
                    records[name].append(out.squeeze(-1) if binary else out)
                else:
                    records[name].append(out.squeeze(-1) > 0 if binary else out.argmax(dim=-1))
        for j, h in enumerate(histories):
            h.train_loss.append(float(columns[0][0][j]))
            h.train_acc.append(float(columns[0][1][j]))
            if val is not None:
                h.val_loss.append(float(columns[1][0][j]))
                h.val_acc.append(float(columns[1][1][j]))
    for name, (_, m) in watched.items():
        stacked_records = torch.stack(records[name], dim=1)  # (k, epochs, n_max, ...)
        if not watch_outputs:
            stacked_records = stacked_records.long()
        for j, h in enumerate(histories):
            h.notes[name] = stacked_records[j][:, : int(m[j].sum())].numpy()
    with torch.no_grad():
        for j, model in enumerate(models):
            for t, i in enumerate(linear):
                _linear(model, i).weight.copy_(params[2 * t][j])
                _linear(model, i).bias.copy_(params[2 * t + 1][j, 0])
            model.eval()
    return histories


def _linear(model: nn.Sequential, i: int) -> nn.Linear:
    layer = model[i]
    assert isinstance(layer, nn.Linear)  # checked by _layers
    return layer
