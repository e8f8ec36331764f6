"""Tests of lessons_lib.validation: argument checks shared by every module."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_lib.validation import (
    check_1d,
    check_both_or_neither,
    check_choice,
    check_consistent_length,
    check_int,
    check_module,
    check_non_negative,
    check_probability,
    check_real,
    check_tensor,
)

# --- check_real ---------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(
    value=st.floats(allow_nan=False, allow_infinity=False),
    low=st.floats(-1e6, 1e6),
    width=st.floats(0, 1e6),
)
def test_check_real_accepts_every_finite_value_inside_a_closed_interval(value, low, width):
    high = low + width
    if low <= value <= high:
        assert check_real("x", value, low=low, high=high) == value
    else:
        with pytest.raises(ValueError, match=r"^x must be in \["):
            check_real("x", value, low=low, high=high)


@pytest.mark.parametrize("value", [3, np.float32(0.5), np.int64(2), Fraction(1, 4)])
def test_check_real_accepts_any_real_number_and_returns_a_float(value):
    result = check_real("x", value)
    assert type(result) is float
    assert result == float(value)


def test_check_real_open_bounds_exclude_the_endpoints():
    kw = {"low": 0.0, "high": 1.0, "low_inclusive": False, "high_inclusive": False}
    assert check_real("factor", 0.5, **kw) == 0.5
    with pytest.raises(ValueError, match=r"factor must be in \(0\.0, 1\.0\), got 0\.0"):
        check_real("factor", 0.0, **kw)
    with pytest.raises(ValueError, match=r"factor must be in \(0\.0, 1\.0\), got 1\.0"):
        check_real("factor", 1.0, **kw)


def test_check_real_closed_bounds_include_the_endpoints():
    assert check_real("x", 0.0, low=0.0, high=1.0) == 0.0
    assert check_real("x", 1.0, low=0.0, high=1.0) == 1.0


@pytest.mark.parametrize("value", [True, False, "0.5", None, [1.0], 1 + 2j])
def test_check_real_rejects_non_real_values_naming_the_value_and_its_type(value):
    message = f"lam must be a real number, got {value!r} of type {type(value).__name__}"
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        check_real("lam", value)


def test_check_real_rejects_nan_even_without_bounds():
    with pytest.raises(ValueError, match=r"lam must be in .*, got nan"):
        check_real("lam", math.nan)
    with pytest.raises(ValueError, match=r"lam must be in .*, got nan"):
        check_real("lam", np.float64("nan"), low=0.0)


def test_check_real_out_of_range_message_names_argument_interval_and_value():
    with pytest.raises(ValueError, match=r"^lr must be in \(0\.0, 2\.0\], got 3\.5$"):
        check_real("lr", 3.5, low=0.0, high=2.0, low_inclusive=False)


@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_check_real_rejects_infinity_as_documented(value):
    # The docstring promises "a finite real number"; infinities must not get through
    # (e.g. ridge_fit(lam=inf) silently returns nan weights).
    with pytest.raises(ValueError, match="lam"):
        check_real("lam", value)


def test_check_real_interval_to_infinity_is_written_half_open():
    # The docstring example: an unbounded side is written with a round bracket.
    with pytest.raises(ValueError, match=r"^lam must be in \[0\.0, inf\), got -1\.0$"):
        check_real("lam", -1.0, low=0.0)


# --- check_non_negative and check_probability -----------------------------------------------


@settings(max_examples=50, deadline=None)
@given(st.floats(0, 1e300))
def test_check_non_negative_accepts_zero_and_positive_values(value):
    assert check_non_negative("lam", value) == value


@pytest.mark.parametrize("value", [-1e-12, -1.0, -5])
def test_check_non_negative_rejects_negative_values(value):
    with pytest.raises(ValueError, match=rf"lam must be in \[0\.0, .*got {float(value)}"):
        check_non_negative("lam", value)


@settings(max_examples=50, deadline=None)
@given(st.floats(0, 1, exclude_max=True))
def test_check_probability_accepts_the_half_open_unit_interval(value):
    assert check_probability("p", value) == value


@pytest.mark.parametrize("value", [1.0, 1, 1.5, -0.01])
def test_check_probability_rejects_values_outside_zero_one(value):
    with pytest.raises(ValueError, match=rf"p must be in \[0\.0, 1\.0\), got {float(value)}"):
        check_probability("p", value)


def test_check_probability_rejects_nan_and_bool():
    with pytest.raises(ValueError, match="p must be in .*got nan"):
        check_probability("p", math.nan)
    with pytest.raises(TypeError, match="p must be a real number, got True of type bool"):
        check_probability("p", True)


# --- check_int -------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(value=st.integers(-1000, 1000), low=st.integers(-500, 500), width=st.integers(0, 500))
def test_check_int_accepts_exactly_the_integers_inside_the_bounds(value, low, width):
    high = low + width
    if low <= value <= high:
        assert check_int("n", value, low=low, high=high) == value
    else:
        with pytest.raises(ValueError, match=rf"^n must be in \[{low}, {high}\], got {value}$"):
            check_int("n", value, low=low, high=high)


def test_check_int_accepts_numpy_integers_and_returns_a_python_int():
    result = check_int("n", np.int64(7), low=1)
    assert type(result) is int
    assert result == 7


def test_check_int_open_ended_bounds_are_written_as_infinity():
    with pytest.raises(ValueError, match=r"^n must be in \[1, inf\], got 0$"):
        check_int("n", 0, low=1)
    with pytest.raises(ValueError, match=r"^n must be in \[-inf, 3\], got 4$"):
        check_int("n", 4, high=3)
    assert check_int("n", -(10**12)) == -(10**12)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "True of type bool"),
        (2.5, "2.5 of type float"),
        (2.0, "2.0 of type float"),
        ("3", "'3' of type str"),
        (None, "None of type NoneType"),
        (np.bool_(True), ".*True.* of type bool"),
    ],
)
def test_check_int_rejects_non_integers_with_a_type_error(value, shown):
    with pytest.raises(TypeError, match=rf"degree must be an integer, got {shown}"):
        check_int("degree", value)


# --- check_choice ----------------------------------------------------------------------------


def test_check_choice_returns_an_allowed_value_and_accepts_any_iterable():
    assert check_choice("activation", "tanh", ["relu", "tanh"]) == "tanh"
    assert check_choice("activation", "relu", {"relu": 1, "tanh": 2}) == "relu"
    assert check_choice("task", "binary", (t for t in ("binary", "regression"))) == "binary"


@pytest.mark.parametrize("value", ["swish", "ReLU", "", None, 3])
def test_check_choice_rejects_other_values_and_lists_the_options(value):
    with pytest.raises(
        ValueError,
        match=rf"^activation must be one of 'relu', 'tanh'; got {re.escape(repr(value))}$",
    ):
        check_choice("activation", value, ["relu", "tanh"])


# --- check_tensor ---------------------------------------------------------------------------


def test_check_tensor_returns_the_tensor_itself():
    x = torch.zeros(2, 3)
    assert check_tensor("x", x, ranks=(2,), dtype="float") is x
    y = torch.tensor([1, 2])
    assert check_tensor("y", y, ranks=(1,), dtype="integer") is y


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "match"),
    [
        ([1.0, 2.0], {}, TypeError, "^x must be a torch.Tensor, got list$"),
        (
            torch.tensor([1, 2]),
            {"dtype": "float"},
            TypeError,
            "^x must be a floating-point tensor, got dtype torch.int64$",
        ),
        (
            torch.tensor([True]),
            {"dtype": "integer"},
            TypeError,
            "^x must be an integer tensor, got dtype torch.bool$",
        ),
        (
            torch.zeros(2),
            {"dtype": "integer"},
            TypeError,
            "^x must be an integer tensor, got dtype torch.float32$",
        ),
        (
            torch.zeros(2),
            {"ranks": (2, 3)},
            ValueError,
            r"^x must be 2-D or 3-D, got a 1-D tensor of shape \(2,\)$",
        ),
        (
            torch.zeros(2, 2),
            {"ranks": (3,), "layout": "(N, H, W)"},
            ValueError,
            r"^x must be 3-D \(N, H, W\), got a 2-D tensor of shape \(2, 2\)$",
        ),
        (
            torch.zeros(3),
            {"ranks": range(2, 9)},
            ValueError,
            r"^x must be at least 2-D, got a 1-D tensor of shape \(3,\)$",
        ),
    ],
)
def test_check_tensor_names_the_argument_the_value_and_what_is_allowed(value, kwargs, error, match):
    with pytest.raises(error, match=match):
        check_tensor("x", value, **kwargs)


def test_check_tensor_rejects_an_unknown_dtype_kind():
    with pytest.raises(ValueError, match="dtype must be one of 'float', 'integer'; got 'int'"):
        check_tensor("x", torch.zeros(1), dtype="int")


# --- the checks shared by the training loops and the metrics ---------------------------------


def test_check_module_accepts_subclasses_and_names_the_expected_kind():
    layer = torch.nn.Linear(2, 1)
    assert check_module("model", layer) is layer
    assert check_module("model", layer, torch.nn.Linear) is layer
    with pytest.raises(TypeError, match="model must be a Conv1d, got Linear"):
        check_module("model", layer, torch.nn.Conv1d)


def test_check_consistent_length_names_every_argument_and_skips_none():
    check_consistent_length(X=np.zeros((3, 2)), y=[0, 1, 2], w=None)
    with pytest.raises(
        ValueError, match="a and b and c must have the same length, got 2 and 2 and 3"
    ):
        check_consistent_length(a=[1, 2], b=[1, 2], c=[1, 2, 3])


def test_check_both_or_neither():
    assert check_both_or_neither(X_val=[1], y_val=[1]) is True
    assert check_both_or_neither(X_val=None, y_val=None) is False
    with pytest.raises(ValueError, match="pass both X_val and y_val, or neither"):
        check_both_or_neither(X_val=None, y_val=[1])


def test_check_1d_converts_tensors_and_lists_and_rejects_other_shapes():
    assert check_1d("y", torch.tensor([1.0, 2.0], requires_grad=True)).tolist() == [1.0, 2.0]
    assert check_1d("y", [3, 4]).dtype.kind == "i"
    with pytest.raises(ValueError, match=r"y must be 1-D, got shape \(2, 1\)"):
        check_1d("y", np.zeros((2, 1)))
    with pytest.raises(ValueError, match="y must not be empty"):
        check_1d("y", [])
