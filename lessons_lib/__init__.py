"""Tested helpers for the course *Regularization in Neural Networks*.

Importing the package has no side effects: nothing is seeded, printed or restyled.
Each module holds one concept and names the chapter that teaches it.

Modules, in the order the course meets them; ``(ch. N)`` is the chapter that first
uses a module, and no module imports one of a later chapter (``tests/test_package.py``
checks both):
    validation: argument checks shared by every module, named errors (ch. 1).
    seeding: one call that seeds Python, NumPy and torch (``LESSONS_SEED`` overrides) (ch. 1).
    data: two-moons, circles, noisy sine, the 8x8 digits and deterministic splits (ch. 1).
    label_noise: flipped and random labels, the noisy digits of chapters 7 and 9 (ch. 1).
    linear: polynomial features and the (ridge) least-squares solution (ch. 1).
    models: a small MLP builder and ``eval_mode``, which restores every layer's mode (ch. 1).
    update_rules: SGD, Adam and AdamW steps on one tensor, as PyTorch computes them (ch. 1;
        opened up in ch. 4).
    optimizers: those rules behind torch.optim's interface, without torch._dynamo (ch. 1).
    tasks: binary, multiclass or regression: the loss and labels each implies (ch. 1).
    training: the training loop returning a ``History``; lists the loop family (ch. 1).
    loss_rise: per-epoch outputs and the split of a rising loss by right and wrong (ch. 1).
    metrics: accuracy, precision, recall, F1, MSE, MAE, R², all (y_true, y_pred) (ch. 1).
    stats: mean and spread over seeds, paired comparisons, bias-variance (ch. 1).
    plotting: the course style, learning curves and decision boundaries (ch. 1).
    widgets: a parameter sweep, live in Jupyter and a static figure on the site (ch. 1).
    prose: ``glue``, numbers a lesson computes quoted in its text by myst-nb (ch. 1).
    penalties: L1, L2 and elastic-net penalties, the tensors they act on, decay groups (ch. 2).
    proximal: soft-thresholding and the proximal L1 step (ch. 3).
    stacked: many small networks evaluated at once, one per seed (ch. 3).
    weight_decay: the high-dimensional regression data of the decay experiments (ch. 4).
    linear_training: a grid of linear models trained with Adam at once (ch. 4).
    dropout: inverted dropout and DropConnect, matched to PyTorch (ch. 5).
    probability_metrics: log-loss from logits, an ensemble's, calibration (ch. 5).
    batch_norm: batch normalization from scratch, matched to ``nn.BatchNorm1d`` (ch. 6).
    normalization: layer and group normalization from scratch (ch. 6).
    early_stopping: the EarlyStopping callback and its replay (ch. 7).
    augmentation: batched, seeded image transforms for the 8x8 digits (ch. 8).
    augmented_training: the loop that draws fresh augmentations at every step (ch. 8).
    mixing: mixup, CutMix and label-smoothing targets (ch. 8).
    convnet: a tiny CNN for the 8x8 digits, many copies trained at once (ch. 8).
    diagnostics: diagnose(history) names underfitting, good fit or overfitting (ch. 9).
    batched_training: copies of one small network trained side by side (ch. 9).
    stochastic_depth: stochastic depth and a small residual MLP (ch. 10).
    mc_dropout: Monte Carlo dropout, dropout kept on at prediction (ch. 10).
    gradient_clipping: clipping by the joint norm of all gradients (ch. 10).
    stacked_training: the full-batch training loop of a stack (ch. 10).
    disk_data: the capstone's data, a circle on a square with label noise (ch. 10).
    capstone: the capstone's configurations, ``run_config`` and ``tune_strength`` (ch. 10).
    checks: exercise check functions with friendly feedback (subpackage).
"""

__version__ = "0.1.0"
