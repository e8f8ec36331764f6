"""Tests of lessons_lib.weight_decay: the batched data sets."""

from __future__ import annotations

import torch

from lessons_lib.weight_decay import RegressionSets, high_dim_regression


def test_high_dim_regression_is_seeded_and_shaped():
    a, b = high_dim_regression([3, 4], 6, 9, 11), high_dim_regression([3, 4], 6, 9, 11)
    assert isinstance(a, RegressionSets)
    assert a.X_train.shape == (2, 6, 11) and a.y_test.shape == (2, 9) and a.w_init.shape == (2, 11)
    assert torch.equal(a.X_train, b.X_train) and torch.equal(a.w_init, b.w_init)
    assert not torch.equal(a.X_train[0], a.X_train[1])
    # the targets follow 0.05 + 0.01 * sum(x) up to the noise
    resid = a.y_train - 0.05 - 0.01 * a.X_train.sum(-1)
    assert resid.abs().max() < 0.06
