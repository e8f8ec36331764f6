"""Tested helpers for the course *Regularization in Neural Networks*.

Importing the package has no side effects: nothing is seeded, printed or restyled.
Each module holds one concept and names the chapter that teaches it.

Modules:
    seeding: one call that seeds Python, NumPy and torch (``LESSONS_SEED`` overrides).
    data: two-moons, circles, noisy sine, digits, label noise and deterministic splits.
    linear: polynomial features and the (ridge) least-squares solution.
    models: a small MLP builder and ``eval_mode``, which restores every layer's mode.
    training: a full-batch or mini-batch training loop returning a ``History``.
    loss_rise: per-epoch outputs and the split of a rising loss by right and wrong (ch. 1).
    batched_training: copies of one small network trained side by side, a History each (ch. 9).
    update_rules: SGD, Adam and AdamW steps on one tensor, as PyTorch computes them (ch. 4).
    weight_decay: L2 versus decoupled decay on a high-dimensional regression (ch. 4).
    optimizers: those rules behind torch.optim's interface, without importing torch._dynamo.
    stats: mean and spread over seeds; bias-variance decomposition.
    plotting: the course style, learning curves and decision boundaries.
    widgets: a parameter sweep that is live in Jupyter and a static figure on the site.
    penalties: L1, L2 and elastic-net penalties, which tensors they act on, decay groups (ch. 2-4).
    proximal: soft-thresholding and the proximal L1 step (chapter 3).
    label_noise: flipped and random labels, the noisy digits of chapters 7 and 9 (ch. 1).
    dropout: inverted dropout and DropConnect, matched to PyTorch (chapter 5).
    batch_norm: batch normalization from scratch, matched to ``nn.BatchNorm1d`` (ch. 6).
    normalization: layer and group normalization from scratch (chapter 6).
    early_stopping: the EarlyStopping callback and its replay (chapter 7).
    augmentation: batched, seeded image transforms for the 8x8 digits (chapter 8).
    mixing: mixup, CutMix and label-smoothing targets (chapter 8).
    convnet: a tiny CNN for the 8x8 digits, many copies trained at once (chapter 8).
    metrics: accuracy, precision, recall, F1, MSE, MAE, R² as f(y_true, y_pred) (ch. 1, 9).
    diagnostics: diagnose(history) names underfitting, good fit or overfitting (ch. 9).
    stochastic_depth: stochastic depth and a small residual MLP (chapter 10).
    mc_dropout: Monte Carlo dropout, dropout kept on at prediction (chapter 10).
    gradient_clipping: clipping by the joint norm of all gradients (chapter 10).
    stacked: many small networks evaluated at once, one per seed (chapter 10).
    stacked_training: the full-batch training loop of a stack (chapter 10).
    disk_data: the capstone's data, a circle on a square with label noise (chapter 10).
    capstone: the chapter-10 experiment: configurations, ``run_config``, ``tune_strength``.
    checks: exercise check functions with friendly feedback.
"""

__version__ = "0.1.0"
