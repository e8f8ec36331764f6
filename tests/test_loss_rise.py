"""Tests of lessons_lib.loss_rise: recorded outputs and the split of a loss rise."""

from __future__ import annotations

import pytest
import torch

from lessons_lib.data import two_moons
from lessons_lib.loss_rise import LossRise, RecordOutputs, loss_rise_by_correctness
from lessons_lib.models import mlp
from lessons_lib.training import train


def test_record_outputs_matches_history_val_loss():
    X, y = two_moons(64, seed=1)
    rec = RecordOutputs(X[32:])
    history = train(
        mlp(2, [8], 1, seed=1), X[:32], y[:32], X[32:], y[32:], num_epochs=5, callbacks=[rec]
    )
    out = rec.stacked()
    assert out.shape == (5, 32)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    for k in range(5):
        assert bce(out[k], y[32:].float()).item() == pytest.approx(history.val_loss[k], rel=1e-5)


def test_record_outputs_resets_between_runs_and_rejects_arrays():
    X, y = two_moons(16, seed=0)
    rec = RecordOutputs(X)
    train(mlp(2, [4], 1, seed=0), X, y, num_epochs=2, callbacks=[rec])
    train(mlp(2, [4], 1, seed=0), X, y, num_epochs=3, callbacks=[rec])
    assert rec.stacked().shape == (3, 16)
    with pytest.raises(TypeError, match="X must be a torch.Tensor"):
        RecordOutputs(X.numpy())
    with pytest.raises(ValueError, match="no outputs"):
        RecordOutputs(X).stacked()


def test_loss_rise_parts_add_up_and_match_a_direct_computation():
    gen = torch.Generator().manual_seed(0)
    y = torch.randint(0, 2, (200,), generator=gen)
    before = torch.randn(200, generator=gen)
    after = 3 * before + torch.randn(200, generator=gen)
    rise = loss_rise_by_correctness(y, before, after)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    total = bce(after, y.float()) - bce(before, y.float())
    assert rise.total == pytest.approx(total.item(), rel=1e-6)
    assert rise.from_wrong + rise.from_right == pytest.approx(rise.total, rel=1e-12)
    wrong = (after > 0).long() != y
    assert rise.frac_wrong == pytest.approx(wrong.float().mean().item())
    change = bce(after, y.float(), reduction="none") - bce(before, y.float(), reduction="none")
    assert rise.from_wrong == pytest.approx((change[wrong].sum() / 200).item(), rel=1e-6)
    assert rise.share_wrong == pytest.approx(rise.from_wrong / rise.total)


def test_overconfident_mistakes_carry_the_whole_rise():
    # Correct examples become more confident (loss falls), one mistake becomes much more
    # confident (loss rises): the mistake carries more than all of the rise.
    y = torch.tensor([1, 1, 1, 0])
    rise = loss_rise_by_correctness(
        y, torch.tensor([1.0, 1.0, 1.0, 0.5]), torch.tensor([4.0, 4.0, 4.0, 6.0])
    )
    assert isinstance(rise, LossRise)
    assert rise.total > 0 and rise.from_right < 0 and rise.share_wrong > 1
    assert rise.frac_wrong == 0.25


def test_loss_rise_accepts_float_and_int_labels_alike():
    a, b = torch.tensor([0.2, -1.0, 2.0]), torch.tensor([1.0, -3.0, 3.0])
    r_int = loss_rise_by_correctness(torch.tensor([1, 1, 0]), a, b)
    r_float = loss_rise_by_correctness(torch.tensor([1.0, 1.0, 0.0]), a, b)
    assert r_int == r_float


@pytest.mark.parametrize(
    ("before", "after", "y", "match"),
    [
        (torch.zeros(3), torch.zeros(4), torch.zeros(3), "one length"),
        (torch.zeros(2, 2), torch.zeros(2, 2), torch.zeros(2, 2), "1-D"),
        (torch.zeros(2), torch.ones(2), torch.tensor([0, 2]), "labels 0 and 1"),
        (torch.zeros(2), torch.zeros(2), torch.tensor([0, 1]), "did not change"),
    ],
)
def test_loss_rise_rejects_bad_input(before, after, y, match):
    with pytest.raises(ValueError, match=match):
        loss_rise_by_correctness(y, before, after)


def test_loss_rise_rejects_non_tensors():
    with pytest.raises(TypeError, match="logits_before"):
        loss_rise_by_correctness(torch.zeros(1), [0.0], torch.zeros(1))
