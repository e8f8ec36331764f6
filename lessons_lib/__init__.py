"""Tested helpers for the course *Regularization in Neural Networks*.

Importing the package has no side effects: nothing is seeded, printed or restyled.
Each module holds one concept and names the chapter that teaches it.

Modules:
    seeding: one call that seeds Python, NumPy and torch (``LESSONS_SEED`` overrides).
    data: two-moons, circles, noisy sine, digits, label noise and deterministic splits.
    linear: polynomial features and the (ridge) least-squares solution.
    models: a small MLP builder.
    training: a full-batch or mini-batch training loop returning a ``History``.
    stats: mean and spread over seeds; bias-variance decomposition.
    plotting: the course style, learning curves and decision boundaries.
    widgets: a parameter sweep that is live in Jupyter and a static figure on the site.
    checks: exercise check functions with friendly feedback.
"""

__version__ = "0.1.0"
