"""Tests of lessons_lib.batch_norm against torch.nn.BatchNorm1d."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from lessons_lib.batch_norm import BatchNorm1d, batch_norm


def randn(*shape: int, seed: int = 0) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def paired_batchnorm(num_features: int, momentum: float | None = 0.1):
    torch.manual_seed(0)
    ours = BatchNorm1d(num_features, momentum=momentum).double()
    theirs = nn.BatchNorm1d(num_features, momentum=momentum).double()
    with torch.no_grad():  # non-trivial gamma and beta, the same in both
        ours.weight.copy_(torch.linspace(0.5, 2.0, num_features))
        ours.bias.copy_(torch.linspace(-1.0, 1.0, num_features))
    theirs.load_state_dict(ours.state_dict())
    return ours, theirs


@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
@pytest.mark.parametrize("shape", [(16, 4), (8, 4, 5)])
def test_batchnorm_matches_torch_in_train_and_eval_over_several_steps(momentum, shape):
    ours, theirs = paired_batchnorm(shape[1], momentum)
    for step in range(5):
        x = 3 * randn(*shape, seed=step) + step
        torch.testing.assert_close(ours.train()(x), theirs.train()(x))
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        torch.testing.assert_close(getattr(ours, name), getattr(theirs, name))
    x = randn(*shape, seed=99)
    torch.testing.assert_close(ours.eval()(x), theirs.eval()(x))


def test_batchnorm_gradients_match_torch():
    ours, theirs = paired_batchnorm(3)
    x1 = randn(10, 3, seed=1).requires_grad_()
    x2 = x1.detach().clone().requires_grad_()
    upstream = randn(10, 3, seed=2)
    (ours(x1) * upstream).sum().backward()
    (theirs(x2) * upstream).sum().backward()
    torch.testing.assert_close(x1.grad, x2.grad)
    torch.testing.assert_close(ours.weight.grad, theirs.weight.grad)
    torch.testing.assert_close(ours.bias.grad, theirs.bias.grad)


def test_running_var_uses_the_unbiased_variance_and_forward_the_biased_one():
    x = torch.tensor([[1.0], [2.0], [6.0]])  # mean 3, biased var 14/3, unbiased var 7
    rm, rv = torch.zeros(1), torch.ones(1)
    out = batch_norm(x, rm, rv, momentum=1.0, eps=0.0)
    torch.testing.assert_close(rm, torch.tensor([3.0]))
    torch.testing.assert_close(rv, torch.tensor([7.0]))
    torch.testing.assert_close(out, (x - 3.0) / (14.0 / 3.0) ** 0.5)


def test_eval_mode_does_not_touch_running_stats():
    bn = BatchNorm1d(2).eval()
    before = {k: v.clone() for k, v in bn.state_dict().items()}
    bn(randn(5, 2).float())
    for k, v in bn.state_dict().items():
        assert torch.equal(v, before[k]), k


def test_batch_of_one_fails_in_training_like_torch_and_works_in_eval():
    x = torch.randn(1, 3)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        BatchNorm1d(3).train()(x)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3).train()(x)
    assert BatchNorm1d(3).eval()(x).shape == (1, 3)


@given(
    n=st.integers(2, 12),
    c=st.integers(1, 5),
    scale=st.floats(0.1, 100.0),
    shift=st.floats(-100.0, 100.0),
    seed=st.integers(0, 10_000),
)
def test_batchnorm_output_has_zero_mean_unit_variance_and_ignores_affine_input_changes(
    n, c, scale, shift, seed
):
    x = randn(n, c, seed=seed)
    y = batch_norm(x, None, None, eps=0.0)
    torch.testing.assert_close(y.mean(0), torch.zeros(c, dtype=x.dtype), atol=1e-9, rtol=0)
    var = y.var(0, unbiased=False)
    ok = var > 0.5  # columns with (numerically) zero spread are excluded
    torch.testing.assert_close(var[ok], torch.ones_like(var[ok]))
    # Invariance: normalizing a*x + b gives the same output (for a > 0).
    torch.testing.assert_close(batch_norm(scale * x + shift, None, None, eps=0.0)[:, ok], y[:, ok])


# --- bad arguments -----------------------------------------------------------------------------


def test_bad_arguments_are_rejected_with_clear_messages():
    with pytest.raises(ValueError, match="x has 4 channels .* but num_features=3"):
        BatchNorm1d(3)(torch.randn(5, 4))
    with pytest.raises(ValueError, match="x must be 2-D or 3-D, got a 4-D tensor"):
        BatchNorm1d(3)(torch.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match="x must be 2-D or 3-D, got a 1-D tensor"):
        batch_norm(torch.randn(3), None, None)
    with pytest.raises(ValueError, match=r"momentum must be in \[0.0, 1.0\], got 1.5"):
        BatchNorm1d(3, momentum=1.5)
    with pytest.raises(ValueError, match="eps must be in"):
        BatchNorm1d(3, eps=0.0)
    with pytest.raises(ValueError, match=r"running_mean must have shape \(3,\)"):
        batch_norm(torch.randn(4, 3), torch.zeros(2), torch.ones(2))
    with pytest.raises(ValueError, match="both running_mean and running_var"):
        batch_norm(torch.randn(4, 3), torch.zeros(3), None)
    with pytest.raises(TypeError, match="floating-point"):
        batch_norm(torch.ones(4, 3, dtype=torch.int64), None, None)
    with pytest.raises(TypeError, match="num_features must be an integer"):
        BatchNorm1d(2.5)
