"""Tests of lessons_lib.models: the MLP builder and the parameter counter."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from lessons_lib.models import ACTIVATIONS, count_parameters, eval_mode, mlp


def expected_parameters(sizes: list[int], batch_norm: bool = False) -> int:
    """Weights and biases of consecutive linear layers (+ BatchNorm scale and shift)."""
    linear = sum(a * b + b for a, b in zip(sizes, sizes[1:], strict=False))
    bn = 2 * sum(sizes[1:-1]) if batch_norm else 0
    return linear + bn


def layer_types(model: nn.Sequential) -> list[type]:
    return [type(layer) for layer in model]


# --- structure -------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    in_features=st.integers(1, 10),
    hidden=st.lists(st.integers(1, 12), max_size=4),
    out_features=st.integers(1, 5),
    batch_norm=st.booleans(),
)
def test_parameter_count_matches_the_layer_sizes(in_features, hidden, out_features, batch_norm):
    model = mlp(in_features, hidden, out_features, batch_norm=batch_norm, seed=0)
    expected = expected_parameters([in_features, *hidden, out_features], batch_norm)
    assert count_parameters(model) == expected
    assert sum(p.numel() for p in model.parameters()) == expected


def test_plain_mlp_layer_structure():
    model = mlp(3, [8, 4], 2)
    assert layer_types(model) == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear]
    assert [(m.in_features, m.out_features) for m in model if isinstance(m, nn.Linear)] == [
        (3, 8),
        (8, 4),
        (4, 2),
    ]


def test_mlp_with_dropout_and_batch_norm_layer_structure():
    model = mlp(3, [8, 4], 2, activation="tanh", dropout=0.25, batch_norm=True)
    assert layer_types(model) == [
        nn.Linear,
        nn.BatchNorm1d,
        nn.Tanh,
        nn.Dropout,
        nn.Linear,
        nn.BatchNorm1d,
        nn.Tanh,
        nn.Dropout,
        nn.Linear,
    ]
    assert [m.p for m in model if isinstance(m, nn.Dropout)] == [0.25, 0.25]
    assert [m.num_features for m in model if isinstance(m, nn.BatchNorm1d)] == [8, 4]


def test_zero_dropout_adds_no_dropout_layers():
    assert not any(isinstance(m, nn.Dropout) for m in mlp(2, [4, 4], 1, dropout=0.0))


def test_empty_hidden_sizes_give_a_linear_model():
    model = mlp(5, (), 3, dropout=0.5, batch_norm=True)
    assert layer_types(model) == [nn.Linear]
    assert count_parameters(model) == 18


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_every_activation_is_used_after_every_hidden_layer(name):
    model = mlp(2, [4, 4, 4], 1, activation=name)
    assert sum(isinstance(m, ACTIVATIONS[name]) for m in model) == 3
    assert not isinstance(model[-1], ACTIVATIONS[name]), "the head returns raw logits"


def test_head_has_no_activation_so_outputs_can_be_negative():
    model = mlp(2, [16], 1, seed=0)
    with torch.no_grad():
        out = model(torch.randn(200, 2, generator=torch.Generator().manual_seed(0)))
    assert float(out.min()) < 0 < float(out.max())


def test_hidden_sizes_accept_any_sequence():
    for hidden in ([4, 3], (4, 3), range(4, 2, -1)):
        assert count_parameters(mlp(2, hidden, 1)) == expected_parameters([2, 4, 3, 1])


def test_dropout_is_active_in_train_mode_and_off_in_eval_mode():
    model = mlp(4, [64], 1, dropout=0.5, seed=0)
    x = torch.randn(8, 4)
    model.eval()
    assert torch.equal(model(x), model(x))
    model.train()
    torch.manual_seed(0)
    assert not torch.equal(model(x), model(x))


# --- seeds -----------------------------------------------------------------------------------


def test_same_seed_gives_identical_weights():
    a = mlp(3, [5, 5], 2, dropout=0.1, batch_norm=True, seed=7)
    b = mlp(3, [5, 5], 2, dropout=0.1, batch_norm=True, seed=7)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(pa, pb)


def test_different_seeds_give_different_weights():
    a = mlp(3, [5], 2, seed=1)
    b = mlp(3, [5], 2, seed=2)
    assert not torch.equal(a[0].weight, b[0].weight)


def test_seeded_weights_equal_building_after_manual_seed():
    torch.manual_seed(4)
    reference = mlp(3, [6], 2)
    seeded = mlp(3, [6], 2, seed=4)
    for pa, pb in zip(reference.parameters(), seeded.parameters(), strict=True):
        assert torch.equal(pa, pb)


def test_seed_leaves_the_global_torch_rng_untouched():
    torch.manual_seed(123)
    state = torch.get_rng_state()
    mlp(10, [32, 32], 3, seed=5)
    assert torch.equal(torch.get_rng_state(), state)
    expected = torch.rand(3)
    torch.manual_seed(123)
    assert torch.equal(torch.rand(3), expected)


def test_without_seed_the_global_generator_is_used():
    torch.manual_seed(9)
    a = mlp(3, [5], 1)
    torch.manual_seed(9)
    b = mlp(3, [5], 1)
    c = mlp(3, [5], 1)
    assert torch.equal(a[0].weight, b[0].weight)
    assert not torch.equal(b[0].weight, c[0].weight)


# --- count_parameters ------------------------------------------------------------------------


def test_count_parameters_skips_frozen_parameters():
    model = mlp(2, [8], 1)
    model[0].weight.requires_grad_(False)
    # 2*8 + 8 + 8*1 + 1 = 33 parameters, minus the 16 frozen first-layer weights.
    assert count_parameters(model) == 17
    assert sum(p.numel() for p in model.parameters()) == 33


def test_count_parameters_ignores_batch_norm_buffers():
    model = mlp(2, [8], 1, batch_norm=True)
    buffers = sum(b.numel() for b in model.buffers())
    assert buffers > 0
    assert count_parameters(model) == 24 + 16 + 9


def test_count_parameters_of_a_linear_layer():
    assert count_parameters(nn.Linear(3, 2)) == 8


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"in_features": 0}, ValueError, r"in_features must be in \[1, inf\], got 0"),
        ({"in_features": 2.0}, TypeError, "in_features must be an integer, got 2.0"),
        ({"in_features": True}, TypeError, "in_features must be an integer, got True"),
        ({"out_features": 0}, ValueError, r"out_features must be in \[1, inf\], got 0"),
        ({"out_features": 1.5}, TypeError, "out_features must be an integer, got 1.5"),
        (
            {"hidden_sizes": "16"},
            TypeError,
            "hidden_sizes must be a sequence of integers, got '16'",
        ),
        ({"hidden_sizes": b"\x10"}, TypeError, "hidden_sizes must be a sequence of integers"),
        ({"hidden_sizes": 16}, TypeError, "hidden_sizes must be a sequence of integers, got 16"),
        ({"hidden_sizes": {8, 4}}, TypeError, "hidden_sizes must be a sequence of integers"),
        ({"hidden_sizes": np.array([8])}, TypeError, "hidden_sizes must be a sequence"),
        ({"hidden_sizes": [8, 0]}, ValueError, r"hidden_sizes\[1\] must be in \[1, inf\], got 0"),
        ({"hidden_sizes": [8, 4.0]}, TypeError, r"hidden_sizes\[1\] must be an integer, got 4\.0"),
        ({"hidden_sizes": [True]}, TypeError, r"hidden_sizes\[0\] must be an integer, got True"),
        (
            {"activation": "swish"},
            ValueError,
            "activation must be one of 'relu', 'tanh', 'gelu', 'sigmoid'; got 'swish'",
        ),
        ({"activation": "ReLU"}, ValueError, "activation must be one of .*; got 'ReLU'"),
        ({"activation": nn.ReLU}, ValueError, "activation must be one of"),
        ({"dropout": 1.0}, ValueError, r"dropout must be in \[0\.0, 1\.0\), got 1\.0"),
        ({"dropout": -0.1}, ValueError, r"dropout must be in \[0\.0, 1\.0\), got -0\.1"),
        ({"dropout": math.nan}, ValueError, "dropout must be in .*got nan"),
        ({"dropout": "0.5"}, TypeError, "dropout must be a real number, got '0.5'"),
        ({"seed": -1}, ValueError, r"seed must be in \[0, inf\], got -1"),
        ({"seed": 0.0}, TypeError, "seed must be an integer, got 0.0"),
    ],
)
def test_mlp_rejects_invalid_arguments(kwargs, error, match):
    args = {"in_features": 2, "hidden_sizes": [4], "out_features": 1} | kwargs
    with pytest.raises(error, match=match):
        mlp(**args)


# --- eval_mode ------------------------------------------------------------------------------


@pytest.mark.parametrize("modes", [(True, True, True), (True, False, True), (False, True, False)])
def test_eval_mode_switches_every_layer_off_and_restores_each_flag(modes):
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(0.5)), nn.BatchNorm1d(2))
    layers = [model, model[1], model[1][0]]
    for layer, mode in zip(layers, modes, strict=True):
        layer.training = mode
    before = [m.training for m in model.modules()]
    with eval_mode(model) as same:
        assert same is model
        assert not any(m.training for m in model.modules())
    assert [m.training for m in model.modules()] == before


def test_eval_mode_restores_the_modes_after_an_error():
    model = mlp(2, [4], 1, dropout=0.5, seed=0).train()
    with pytest.raises(RuntimeError, match="boom"), eval_mode(model):
        raise RuntimeError("boom")
    assert all(m.training for m in model.modules())


def test_eval_mode_rejects_a_non_module():
    with pytest.raises(TypeError, match="model must be a torch.nn.Module, got function"):
        with eval_mode(lambda x: x):
            pass
