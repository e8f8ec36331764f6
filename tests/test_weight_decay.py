"""Tests of lessons_lib.weight_decay against torch.optim.Adam / AdamW and closed forms."""

from __future__ import annotations

import pytest
import torch

from lessons_lib.weight_decay import (
    RegressionSets,
    adam_update,
    fit_linear_adam,
    high_dim_regression,
)


def torch_path(cls, w0, grads, lr, wd):
    w = torch.nn.Parameter(w0.clone())
    opt = cls([w], lr=lr, weight_decay=wd)
    for g in grads:
        opt.zero_grad()
        w.grad = g.clone()
        opt.step()
    return w.detach()


@pytest.mark.parametrize(
    ("decoupled", "cls"), [(False, torch.optim.Adam), (True, torch.optim.AdamW)]
)
def test_adam_update_matches_torch_optim(decoupled, cls):
    gen = torch.Generator().manual_seed(0)
    w0 = torch.randn(7, generator=gen, dtype=torch.float64)
    grads = [torch.randn(7, generator=gen, dtype=torch.float64) for _ in range(25)]
    w, state = w0.clone(), {}
    for g in grads:
        adam_update(w, g, state, lr=0.05, weight_decay=0.3, decoupled=decoupled)
    torch.testing.assert_close(w, torch_path(cls, w0, grads, 0.05, 0.3))


def test_a_grid_of_configurations_equals_separate_runs():
    gen = torch.Generator().manual_seed(1)
    w0 = torch.randn(5, generator=gen, dtype=torch.float64)
    grads = [torch.randn(5, generator=gen, dtype=torch.float64) for _ in range(10)]
    lrs, wds, decs = [0.01, 0.1, 0.01, 0.1], [0.5, 0.0, 2.0, 1.0], [False, True, True, False]
    w, state = w0.expand(4, 5).clone(), {}
    col = lambda v: torch.tensor(v, dtype=torch.float64).view(4, 1)  # noqa: E731
    for g in grads:
        adam_update(w, g.expand(4, 5), state, col(lrs), col(wds), torch.tensor(decs).view(4, 1))
    for c in range(4):
        cls = torch.optim.AdamW if decs[c] else torch.optim.Adam
        torch.testing.assert_close(w[c], torch_path(cls, w0, grads, lrs[c], wds[c]))


def test_adam_update_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"grad must have the shape of param \(3,\), got \(2,\)"):
        adam_update(torch.zeros(3), torch.zeros(2), {}, 0.1, 0.0, False)
    with pytest.raises(TypeError, match="param and grad must be tensors"):
        adam_update([0.0], torch.zeros(1), {}, 0.1, 0.0, False)


def test_high_dim_regression_is_seeded_and_shaped():
    a, b = high_dim_regression([3, 4], 6, 9, 11), high_dim_regression([3, 4], 6, 9, 11)
    assert isinstance(a, RegressionSets)
    assert a.X_train.shape == (2, 6, 11) and a.y_test.shape == (2, 9) and a.w_init.shape == (2, 11)
    assert torch.equal(a.X_train, b.X_train) and torch.equal(a.w_init, b.w_init)
    assert not torch.equal(a.X_train[0], a.X_train[1])
    # the targets follow 0.05 + 0.01 * sum(x) up to the noise
    resid = a.y_train - 0.05 - 0.01 * a.X_train.sum(-1)
    assert resid.abs().max() < 0.06


def test_decay_removes_what_the_data_cannot_see():
    torch.set_default_dtype(torch.float64)
    try:
        sets = high_dim_regression([0, 1, 2])
        mse = fit_linear_adam(sets, [0.01] * 3, [0.0, 1.0, 1.0], [False, True, False], 50)
    finally:
        torch.set_default_dtype(torch.float32)
    assert mse.shape == (3, 3)
    # no decay: the 180 unseen directions keep their N(0, 1) initialization
    assert torch.all(mse[0] > 50)
    assert torch.all(mse[1] < mse[0] / 10)  # AdamW with lr * wd = 0.01 per step


def test_fit_linear_adam_is_paired_and_deterministic():
    sets = high_dim_regression([5])
    a = fit_linear_adam(sets, [0.01, 0.01], [0.1, 0.1], [True, True], 3, seed=2)
    b = fit_linear_adam(sets, [0.01], [0.1], [True], 3, seed=2)
    assert torch.equal(a[0], a[1]) and torch.allclose(a[0], b[0])


def test_fit_linear_adam_rejects_bad_arguments():
    sets = high_dim_regression([0], 4, 2, 3)
    with pytest.raises(ValueError, match="one value per configuration, got lengths 2, 1 and 1"):
        fit_linear_adam(sets, [0.1, 0.2], [0.0], [True])
    with pytest.raises(ValueError, match=r"lr\[0\] must be in \(0.0, inf\)"):
        fit_linear_adam(sets, [0.0], [0.0], [True])
    with pytest.raises(ValueError, match=r"batch_size must be in \[1, 4\], got 5"):
        fit_linear_adam(sets, [0.1], [0.0], [True], batch_size=5)
    with pytest.raises(TypeError, match="sets must be RegressionSets"):
        fit_linear_adam((1, 2), [0.1], [0.0], [True])
    with pytest.raises(TypeError, match="seeds must be a non-empty sequence"):
        high_dim_regression([])
