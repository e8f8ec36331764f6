"""Reproducible randomness: one call seeds Python, NumPy and torch.

Taught in chapter 1 (setup cell of every lesson). The base seed is ``0`` unless the
environment variable ``LESSONS_SEED`` says otherwise, so anyone can rerun a lesson with
another seed and check that its claims do not depend on a lucky draw::

    LESSONS_SEED=7 jupyter nbconvert --execute --to notebook book/01_why_regularize.ipynb
"""

from __future__ import annotations

import os
import random

import numpy as np
import torch

from .validation import check_int

SEED_ENV_VAR = "LESSONS_SEED"
DEFAULT_SEED = 0
#: Base seed ``b`` draws its repetitions from ``[b * SEED_STRIDE, (b + 1) * SEED_STRIDE)``.
SEED_STRIDE = 10_000
#: The largest base seed whose block of seeds (offsets up to ``SEED_STRIDE``) stays below
#: ``2**32`` without wrapping (see :func:`seeds`); robustness runs draw base seeds up to it.
MAX_BASE_SEED = 2**32 // SEED_STRIDE - 2


def base_seed() -> int:
    """Return the course's base seed: ``$LESSONS_SEED`` if set, else ``0``.

    Raises:
        ValueError: if ``LESSONS_SEED`` is set but is not a non-negative integer.

    Example:
        >>> isinstance(base_seed(), int)
        True
    """
    raw = os.environ.get(SEED_ENV_VAR, "").strip()
    if not raw:
        return DEFAULT_SEED
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(f"{SEED_ENV_VAR} must be a non-negative integer, got {raw!r}")
    return int(raw)


def seed_everything(seed: int | None = None) -> int:
    """Seed Python's ``random``, NumPy's global generator and torch (CPU).

    Args:
        seed: the seed to use. Default: ``None``, meaning :func:`base_seed`.

    Returns:
        The seed actually used, so a lesson can print it.

    Example:
        >>> s = seed_everything(3)
        >>> a = torch.rand(2); _ = seed_everything(3); b = torch.rand(2)
        >>> bool(torch.equal(a, b))
        True
    """
    seed = base_seed() if seed is None else check_int("seed", seed, low=0)
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 - seeding the legacy global generator is the point
    torch.manual_seed(seed)
    return seed


def seeds(n: int, offset: int = 0) -> list[int]:
    """Return ``n`` consecutive seeds starting at ``base_seed() * SEED_STRIDE + offset``.

    Experiments that are repeated "over several seeds" use these. Each base seed owns
    its own block of ``SEED_STRIDE`` seeds, so changing ``LESSONS_SEED`` (even by 1)
    moves every repetition to fresh, disjoint draws: a claim checked with base seeds 0
    and 1 has been checked on two independent sets of runs. The seeds are taken modulo
    ``2**32``, the range scikit-learn's ``random_state`` and NumPy's legacy generator
    accept (and :func:`lessons_lib.data.two_moons` with them), so a large base seed
    still gives valid seeds; below ``2**32 // SEED_STRIDE`` nothing wraps.

    Args:
        n: how many seeds (at least 1).
        offset: added to the base seed, to keep two experiments' draws apart. Default: 0.

    Example:
        >>> len(seeds(5))
        5
    """
    n = check_int("n", n, low=1)
    offset = check_int("offset", offset, low=0)
    start = base_seed() * SEED_STRIDE + offset
    return [(start + i) % 2**32 for i in range(n)]


def make_generator(seed: int) -> torch.Generator:
    """Return a CPU ``torch.Generator`` seeded with ``seed`` (explicit randomness)."""
    seed = check_int("seed", seed, low=0)
    return torch.Generator().manual_seed(seed)
