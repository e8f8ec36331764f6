"""Tests of lessons_lib.augmentation: shapes, ranges, identities, seeding, label mixing."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from lessons_lib.augmentation import (
    affine,
    gaussian_noise,
    random_erasing,
    random_resized_crop,
    random_rotation,
    random_scale,
    random_shift,
)


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


TRANSFORMS = {
    "shift": lambda x, g: random_shift(x, 2, g),
    "rotation": lambda x, g: random_rotation(x, 20.0, g),
    "scale": lambda x, g: random_scale(x, 0.2, g),
    "crop": lambda x, g: random_resized_crop(x, 5, g),
    "noise": lambda x, g: gaussian_noise(x, 0.3, g),
    "erasing": lambda x, g: random_erasing(x, 3, 0.5, g),
}
IDENTITIES = {
    "shift": lambda x: random_shift(x, 0, gen()),
    "rotation": lambda x: random_rotation(x, 0.0, gen()),
    "scale": lambda x: random_scale(x, 0.0, gen()),
    "crop": lambda x: random_resized_crop(x, 8, gen()),
    "noise": lambda x: gaussian_noise(x, 0.0, gen()),
    "erasing": lambda x: random_erasing(x, 0, 1.0, gen()),
    "erasing p=0": lambda x: random_erasing(x, 3, 0.0, gen()),
}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_shape_range_and_input_untouched(images, name):
    x, _ = images
    before = x.clone()
    out = TRANSFORMS[name](x, gen())
    assert out.shape == x.shape
    assert out.dtype == x.dtype
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert torch.equal(x, before)
    assert not torch.equal(out, x)


@pytest.mark.parametrize("name", TRANSFORMS)
def test_seeded_generators_reproduce_the_batch(images, name):
    x, _ = images
    assert torch.equal(TRANSFORMS[name](x, gen(3)), TRANSFORMS[name](x, gen(3)))
    assert not torch.equal(TRANSFORMS[name](x, gen(3)), TRANSFORMS[name](x, gen(4)))


@pytest.mark.parametrize("name", IDENTITIES)
def test_identity_at_zero_strength(images, name):
    x, _ = images
    torch.testing.assert_close(IDENTITIES[name](x), x, atol=1e-6, rtol=0)


@given(st.integers(-3, 3), st.integers(-3, 3))
def test_integer_shift_moves_pixels_exactly(dx, dy):
    x = torch.zeros(1, 8, 8)
    x[0, 4, 3] = 1.0
    out = affine(x, torch.zeros(1), torch.ones(1), torch.tensor([[dx, dy]]))
    expected = torch.zeros(1, 8, 8)
    expected[0, 4 + dy, 3 + dx] = 1.0
    torch.testing.assert_close(out, expected, atol=1e-6, rtol=0)


def test_rotation_by_90_degrees_matches_rot90():
    x = torch.rand(3, 8, 8)
    out = affine(x, torch.full((3,), 90.0), torch.ones(3), torch.zeros(3, 2))
    # A positive angle turns the image anticlockwise on screen, like torch.rot90(k=1).
    torch.testing.assert_close(out, torch.rot90(x, k=1, dims=(1, 2)), atol=1e-5, rtol=0)


def test_scaling_up_keeps_the_centre_and_grows_the_digit():
    x = torch.zeros(1, 8, 8)
    x[0, 3:5, 3:5] = 1.0
    big = affine(x, torch.zeros(1), torch.full((1,), 2.0), torch.zeros(1, 2))
    assert big.sum() > 2 * x.sum()
    assert big[0, 3:5, 3:5].min() == 1.0


def test_erasing_zeroes_one_square_per_image():
    x = torch.ones(50, 8, 8)
    out = random_erasing(x, 3, 1.0, gen())
    assert torch.all((out == 0).sum(dim=(1, 2)) == 9)
    zero_rows = (out == 0).any(dim=2).sum(dim=1)
    assert torch.all(zero_rows == 3)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: random_shift(torch.rand(2, 64)),
            ValueError,
            r"x must be 3-D \(N, H, W\), got a 2-D tensor of shape \(2, 64\)",
        ),
        (
            lambda: random_shift(torch.ones(2, 8, 8, dtype=torch.long)),
            TypeError,
            "x must be a floating-point tensor, got dtype torch.int64",
        ),
        (
            lambda: random_shift(torch.rand(2, 8, 8), -1),
            ValueError,
            r"max_shift must be in \[0, inf\], got -1",
        ),
        (lambda: random_rotation(torch.rand(1, 8, 8), 200.0), ValueError, "max_degrees must be in"),
        (
            lambda: random_scale(torch.rand(1, 8, 8), 1.0),
            ValueError,
            r"max_change must be in \[0.0, 1.0\)",
        ),
        (
            lambda: random_resized_crop(torch.rand(1, 8, 8), 9),
            ValueError,
            r"min_size must be in \[1, 8\], got 9",
        ),
        (lambda: gaussian_noise(torch.rand(1, 8, 8), -0.1), ValueError, "std must be in"),
        (
            lambda: random_erasing(torch.rand(1, 8, 8), 3, 1.5),
            ValueError,
            r"p must be in \[0.0, 1.0\], got 1.5",
        ),
    ],
)
def test_rejects_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
