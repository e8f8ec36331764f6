"""Tests of lessons_lib.probability_metrics against sklearn.metrics and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import metrics as skm

from lessons_lib.probability_metrics import ensemble_log_loss, log_loss


@given(
    st.integers(1, 40).flatmap(
        lambda n: st.tuples(
            arrays(np.int64, n, elements=st.integers(0, 1)),
            arrays(np.float64, n, elements=st.floats(-20, 20)),
        )
    )
)
def test_binary_log_loss_matches_sklearn_on_moderate_logits(pair):
    y, z = pair
    prob = 1 / (1 + np.exp(-z))
    want = skm.log_loss(y, prob, labels=[0, 1])
    assert log_loss(y, z) == pytest.approx(want, rel=1e-6, abs=1e-9)


def test_multiclass_log_loss_matches_sklearn():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=3.0, size=(50, 4))
    y = rng.integers(0, 4, size=50)
    prob = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert log_loss(y, z) == pytest.approx(skm.log_loss(y, prob, labels=range(4)))


def test_log_loss_of_confident_mistakes_is_not_capped():
    """The bug this function replaces: clamping float32 probabilities at 1e-7."""
    z = torch.tensor([-40.0, -25.0, 30.0], dtype=torch.float32)
    y = torch.tensor([1.0, 1.0, 0.0])
    prob = torch.sigmoid(z).clamp(1e-7, 1 - 1e-7)
    clamped = float(-(y * prob.log() + (1 - y) * (1 - prob).log()).mean())
    exact = log_loss(y, z)
    assert exact == pytest.approx((40.0 + 25.0 + 30.0) / 3, rel=1e-9)
    assert clamped < 17 < exact  # the clamp understates it by a factor of two here


def test_log_loss_accepts_any_reasonable_form():
    z = [0.5, -1.0, 2.0]
    y = [1, 0, 0]
    want = log_loss(y, z)
    assert log_loss(torch.tensor(y), torch.tensor(z, requires_grad=True)) == pytest.approx(want)
    assert log_loss(np.array(y, dtype=float), np.array(z, dtype=np.float32)) == pytest.approx(
        want, rel=1e-6
    )


def test_ensemble_log_loss_is_the_loss_of_the_mean_probability():
    rng = np.random.default_rng(1)
    z = rng.normal(scale=4.0, size=(7, 30))
    y = rng.integers(0, 2, size=30)
    mean_prob = (1 / (1 + np.exp(-z))).mean(axis=0)
    assert ensemble_log_loss(y, z) == pytest.approx(skm.log_loss(y, mean_prob, labels=[0, 1]))
    # One member: the ordinary log-loss; members averaged in probability, not in logits.
    assert ensemble_log_loss(y, z[:1]) == pytest.approx(log_loss(y, z[0]))
    assert ensemble_log_loss(y, z) != pytest.approx(log_loss(y, z.mean(axis=0)))
    # Jensen: the averaged prediction is never worse than the members on average.
    assert ensemble_log_loss(y, z) <= np.mean([log_loss(y, zk) for zk in z]) + 1e-12


def test_multiclass_ensemble_log_loss_matches_mean_softmax():
    rng = np.random.default_rng(2)
    z = rng.normal(scale=2.0, size=(5, 20, 3))
    y = rng.integers(0, 3, size=20)
    prob = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    want = skm.log_loss(y, prob.mean(axis=0), labels=range(3))
    assert ensemble_log_loss(y, z) == pytest.approx(want)


def test_ensemble_log_loss_stays_finite_for_extreme_logits():
    z = torch.tensor([[-200.0, 200.0], [-300.0, 300.0]])
    assert ensemble_log_loss([1, 0], z) == pytest.approx(200.0 + np.log(2), rel=1e-6)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: log_loss([0, 1], [0.0]), r"logits must have shape \(n,\) or \(n, C\)"),
        (lambda: log_loss([0, 2], [0.0, 1.0]), r"y_true must hold class labels \(0 or 1\)"),
        (lambda: log_loss([0, 1], [0.0, float("nan")]), "logits must be finite"),
        (lambda: log_loss([0, 3], np.zeros((2, 3))), r"integers in \[0, 2\]"),
        (lambda: ensemble_log_loss([0, 1], [0.0, 1.0]), r"shape \(K, n\) or \(K, n, C\)"),
    ],
)
def test_log_loss_rejects_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- expected calibration error ----------------------------------------------------------------


def test_ece_by_hand():
    from lessons_lib.probability_metrics import expected_calibration_error as ece

    # bins of width 0.05 on [0.5, 1]: 0.9 -> bin 8 (right), 0.8 (0.2 for class 1) -> bin
    # 6 (right), 0.6 and 0.6 -> bin 2, one right one wrong:
    # |0.5 - 0.6| * 2/4 + |1 - 0.9|/4 + |1 - 0.8|/4
    assert ece([1, 0, 1, 1], [0.9, 0.2, 0.6, 0.4]) == pytest.approx(0.05 + 0.025 + 0.05)
    two = np.array([[0.1, 0.9], [0.8, 0.2], [0.4, 0.6], [0.6, 0.4]])
    assert ece([1, 0, 1, 1], two) == pytest.approx(ece([1, 0, 1, 1], two[:, 1]))


def test_ece_small_when_calibrated_large_when_overconfident():
    from lessons_lib.probability_metrics import expected_calibration_error as ece

    rng = np.random.default_rng(0)
    p = rng.uniform(0, 1, 200_000)
    y = (rng.uniform(0, 1, p.size) < p).astype(int)  # labels drawn from p: calibrated
    assert ece(y, p) < 0.01
    sharp = np.where(p > 0.5, 0.999, 0.001)  # same decisions, full confidence
    assert ece(y, sharp) > 0.2
    assert ece(torch.tensor(y), torch.tensor(p)) == pytest.approx(ece(y, p))


def test_reliability_bins_span_the_possible_confidences():
    from lessons_lib.probability_metrics import reliability_curve

    rng = np.random.default_rng(1)
    p = rng.uniform(0, 1, 5000)
    y = (rng.uniform(0, 1, p.size) < p).astype(int)
    conf, acc, count = reliability_curve(y, p, num_bins=5)
    # two classes: confidences lie in [0.5, 1], so all 5 bins of width 0.1 are used
    assert count.tolist() == np.histogram(np.maximum(p, 1 - p), 5, (0.5, 1))[0].tolist()
    np.testing.assert_allclose(conf, [0.55, 0.65, 0.75, 0.85, 0.95], atol=0.01)
    np.testing.assert_allclose(acc, conf, atol=0.05)  # calibrated: on the diagonal
    three = rng.dirichlet(np.ones(3), size=1000)  # three classes: bins over [1/3, 1]
    conf3, _, count3 = reliability_curve(rng.integers(0, 3, 1000), three, num_bins=4)
    assert count3.sum() == 1000 and conf3.min() >= 1 / 3
    with pytest.raises(ValueError, match="K >= 2"):
        reliability_curve([0, 1], np.ones((2, 1)))


def test_ece_rejects_bad_input():
    from lessons_lib.probability_metrics import expected_calibration_error as ece

    with pytest.raises(ValueError, match="num_bins"):
        ece([0, 1], [0.2, 0.7], num_bins=0)
    with pytest.raises(ValueError, match="probs must have shape"):
        ece([0, 1], [0.2, 0.7, 0.1])
    with pytest.raises(ValueError, match="probabilities"):
        ece([0, 1], [0.2, 1.7])
