"""Tests of lessons_lib.linear_training: grids of linear models trained with Adam."""

from __future__ import annotations

import pytest
import torch

from lessons_lib.linear_training import fit_linear_adam
from lessons_lib.weight_decay import high_dim_regression


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


def test_fit_linear_adam_equals_torch_optim_on_each_model():
    """Every (configuration, seed) cell of the grid is one linear model trained by torch.optim."""
    sets = high_dim_regression([3, 4], n_train=10, n_test=7, d=6)
    lrs, wds, decs = [0.05, 0.02, 0.03], [0.1, 0.5, 0.0], [False, True, True]
    got = fit_linear_adam(sets, lrs, wds, decs, num_epochs=4, batch_size=3, seed=1)
    for c, (lr, wd, dec) in enumerate(zip(lrs, wds, decs, strict=True)):
        for s in range(2):
            w = torch.nn.Parameter(sets.w_init[s].clone())
            b = torch.nn.Parameter(torch.zeros(1))
            cls = torch.optim.AdamW if dec else torch.optim.Adam
            groups = [{"params": [w], "weight_decay": wd}, {"params": [b], "weight_decay": 0.0}]
            opt = cls(groups, lr=lr)
            gen = torch.Generator().manual_seed(1)
            X, y = sets.X_train[s], sets.y_train[s]
            for _ in range(4):
                order = torch.randperm(10, generator=gen)
                for start in range(0, 10, 3):
                    idx = order[start : start + 3]
                    opt.zero_grad()
                    ((X[idx] @ w + b - y[idx]) ** 2).mean().backward()
                    opt.step()
            with torch.no_grad():
                want = ((sets.X_test[s] @ w + b - sets.y_test[s]) ** 2).mean()
            torch.testing.assert_close(got[c, s], want, rtol=1e-4, atol=1e-6)
