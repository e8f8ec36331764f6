"""Batched, seeded data augmentation for small grey-scale images (the 8×8 digits).

Taught in chapter 8. Every transform takes a batch ``x`` of shape ``(N, H, W)`` with
values in ``[0, 1]`` and returns a new batch of the same shape and range (the input is
never modified). Randomness comes only from the ``generator`` argument (a
``torch.Generator``), so a seeded generator reproduces the same augmented batch; each
image of the batch gets its own random parameters. At strength zero every transform is
the identity. Transforms that also mix labels (mixup, CutMix) and label smoothing live
in :mod:`lessons_lib.mixing`; the training loop that draws fresh transforms at every
step is :func:`lessons_lib.augmented_training.fit_augmented`.

Geometric transforms (shift, rotation, scaling) resample the image with bilinear
interpolation on an affine grid and fill the area that comes from outside the image
with 0 (the digits' background).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .validation import check_int, check_probability, check_real, check_tensor


def check_images(x: torch.Tensor) -> torch.Tensor:
    """Return ``x`` if it is a float batch of images ``(N, H, W)``, else raise naming it.

    Shared with :mod:`lessons_lib.mixing`, whose transforms take the same batches.
    """
    return check_tensor("x", x, ranks=(3,), dtype="float", layout="(N, H, W)")


def _uniform(n: int, low: float, high: float, generator: torch.Generator | None) -> torch.Tensor:
    return low + (high - low) * torch.rand(n, generator=generator)


def affine(
    x: torch.Tensor, angle: torch.Tensor, scale: torch.Tensor, shift: torch.Tensor
) -> torch.Tensor:
    """Rotate by ``angle`` degrees anticlockwise, zoom by ``scale``, shift by ``shift``.

    One set of parameters per image: ``angle`` and ``scale`` of shape ``(N,)``,
    ``shift`` of shape ``(N, 2)`` as ``(right, down)`` in pixels. ``scale > 1`` enlarges
    the digit. Identity parameters return ``x`` unchanged (up to rounding).

    Example:
        >>> x = torch.rand(2, 8, 8)
        >>> y = affine(x, torch.zeros(2), torch.ones(2), torch.zeros(2, 2))
        >>> torch.allclose(x, y, atol=1e-6)
        True
    """
    x = check_images(x)
    n, h, w = x.shape
    rad = angle.to(x.dtype) * math.pi / 180
    cos, sin = torch.cos(rad) / scale, torch.sin(rad) / scale
    # The 2x3 matrix of the whole map (PyTorch calls it theta): output coordinates to
    # input coordinates in [-1, 1], the frame of grid_sample.
    matrix = torch.zeros(n, 2, 3, dtype=x.dtype)
    matrix[:, 0, 0], matrix[:, 0, 1] = cos, -sin
    matrix[:, 1, 0], matrix[:, 1, 1] = sin, cos
    matrix[:, 0, 2] = -2 * shift[:, 0].to(x.dtype) / w
    matrix[:, 1, 2] = -2 * shift[:, 1].to(x.dtype) / h
    grid = F.affine_grid(matrix, [n, 1, h, w], align_corners=False)
    out = F.grid_sample(
        x[:, None], grid, mode="bilinear", padding_mode="zeros", align_corners=False
    )
    return out[:, 0].clamp(0.0, 1.0)


def random_shift(
    x: torch.Tensor, max_shift: int = 1, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Shift each image by a whole number of pixels in ``[-max_shift, max_shift]`` per axis.

    Pixels shifted in from outside are 0; pixels shifted out are lost.

    Args:
        x: images ``(N, H, W)`` in ``[0, 1]``.
        max_shift: largest shift in pixels, ``>= 0``. Default: 1.
        generator: source of randomness. Default: torch's global generator.

    Example:
        >>> x = torch.zeros(1, 8, 8); x[0, 3, 3] = 1.0
        >>> y = random_shift(x, 2, torch.Generator().manual_seed(0))
        >>> float(y.sum()), y.shape
        (1.0, torch.Size([1, 8, 8]))
    """
    x = check_images(x)
    max_shift = check_int("max_shift", max_shift, low=0)
    n = x.shape[0]
    shift = torch.randint(-max_shift, max_shift + 1, (n, 2), generator=generator)
    return affine(x, torch.zeros(n), torch.ones(n), shift)


def random_rotation(
    x: torch.Tensor, max_degrees: float = 15.0, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Rotate each image about its centre by an angle uniform in ``[-max_degrees, max_degrees]``.

    Example:
        >>> x = torch.rand(4, 8, 8)
        >>> torch.allclose(random_rotation(x, 0.0), x, atol=1e-6)
        True
    """
    x = check_images(x)
    max_degrees = check_real("max_degrees", max_degrees, low=0.0, high=180.0)
    n = x.shape[0]
    angle = _uniform(n, -max_degrees, max_degrees, generator)
    return affine(x, angle, torch.ones(n), torch.zeros(n, 2))


def random_scale(
    x: torch.Tensor, max_change: float = 0.15, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Zoom each image about its centre by a factor uniform in ``[1 - c, 1 + c]``.

    Args:
        max_change: ``c``, in ``[0, 1)``. Default: 0.15.

    Example:
        >>> x = torch.rand(4, 8, 8)
        >>> torch.allclose(random_scale(x, 0.0), x, atol=1e-6)
        True
    """
    x = check_images(x)
    max_change = check_probability("max_change", max_change)
    n = x.shape[0]
    scale = _uniform(n, 1 - max_change, 1 + max_change, generator)
    return affine(x, torch.zeros(n), scale, torch.zeros(n, 2))


def random_resized_crop(
    x: torch.Tensor, min_size: int = 6, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Crop a random square of side ``s`` in ``[min_size, H]`` and resize it back to ``H × W``.

    The crop lies inside the image; its side is drawn uniformly among the integers.
    With ``min_size = H`` (strength zero) the crop is the whole image.

    Example:
        >>> x = torch.rand(3, 8, 8)
        >>> torch.equal(random_resized_crop(x, 8), x)
        True
    """
    x = check_images(x)
    n, h, w = x.shape
    min_size = check_int("min_size", min_size, low=1, high=min(h, w))
    side = torch.randint(min_size, min(h, w) + 1, (n,), generator=generator)
    out = torch.empty_like(x)
    for i in range(n):
        s = int(side[i])
        top = int(torch.randint(0, h - s + 1, (1,), generator=generator))
        left = int(torch.randint(0, w - s + 1, (1,), generator=generator))
        patch = x[i, top : top + s, left : left + s]
        if s == h == w:
            out[i] = patch
        else:
            out[i] = F.interpolate(
                patch[None, None], size=(h, w), mode="bilinear", align_corners=False
            )[0, 0]
    return out.clamp(0.0, 1.0)


def gaussian_noise(
    x: torch.Tensor, std: float = 0.1, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Add Gaussian noise of standard deviation ``std`` to every pixel; clip to ``[0, 1]``.

    Example:
        >>> x = torch.rand(2, 8, 8)
        >>> torch.equal(gaussian_noise(x, 0.0), x)
        True
    """
    x = check_images(x)
    std = check_real("std", std, low=0.0)
    noise = torch.randn(x.shape, generator=generator, dtype=x.dtype)
    return (x + std * noise).clamp(0.0, 1.0)


def random_boxes(
    n: int, h: int, w: int, bh: torch.Tensor, bw: torch.Tensor, generator: torch.Generator | None
) -> torch.Tensor:
    """Boolean masks ``(n, h, w)`` of boxes of size ``bh × bw`` at random places inside.

    Shared by :func:`random_erasing` and :func:`lessons_lib.mixing.cutmix`.
    """
    top = (torch.rand(n, generator=generator) * (h - bh + 1)).floor().long()
    left = (torch.rand(n, generator=generator) * (w - bw + 1)).floor().long()
    rows = torch.arange(h)[None, :, None]
    cols = torch.arange(w)[None, None, :]
    return (
        (rows >= top[:, None, None])
        & (rows < (top + bh)[:, None, None])
        & (cols >= left[:, None, None])
        & (cols < (left + bw)[:, None, None])
    )


def random_erasing(
    x: torch.Tensor, size: int = 3, p: float = 1.0, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Cutout / random erasing: set a ``size × size`` square at a random place to 0.

    Args:
        size: side of the erased square in pixels, ``0 <= size <= min(H, W)``; 0 erases
            nothing. Default: 3.
        p: probability that an image is erased at all, in ``[0, 1]``. Default: 1.

    Example:
        >>> x = torch.ones(5, 8, 8)
        >>> (random_erasing(x, 3) == 0).sum(dim=(1, 2)).tolist()
        [9, 9, 9, 9, 9]
    """
    x = check_images(x)
    n, h, w = x.shape
    size = check_int("size", size, low=0, high=min(h, w))
    p = check_real("p", p, low=0.0, high=1.0)
    full = torch.full((n,), size, dtype=torch.long)
    mask = random_boxes(n, h, w, full, full, generator)
    mask &= (torch.rand(n, generator=generator) < p)[:, None, None]
    return x.masked_fill(mask, 0.0)
