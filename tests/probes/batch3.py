"""Probe batch 3: learners' answers to the 21 exercises, held out from the mistake tables.

Written on 2026-12-07 from the exercise statements only (``book/*.md``), before the
tables were extended, by a writer who never saw the checks' tables of known mistakes.
Every wrong answer was verified to differ from the chapter's solution on inputs of the
exercise's regimes, and every right answer to agree with it.

First measure (the lead, 09:21 on main 18911ec, before any table change): 145 wrong
answers, 138 rejected, 118 messages naming the mistake (86 %), 12 generic, 8 flagged
misleading, 7 wrong answers accepted (inputs changed in place: l2_update, mixup,
clip_by_norm, max_norm; dropout ignoring ``generator``; MC dropout with batch norm in
training mode, and with outputs that require grad); 57 of 57 right answers accepted;
no crash. Each of the 8 "misleading" messages named the actual mistake: the flag came
from an ``avoid`` word inside the rule the message states, so those lists were narrowed
(soft threshold without the max: ``clip``; dropout penalty with cross terms: ``keep``;
batch norm over dim 0: ``momentum`` and ``eps``; group norm unbiased: ``layer``, pooled over the
batch: ``consecutive``; should_stop ignoring min_delta: ``best``; early-stopped GD from
w = 1: ``ridge``; mixup with swapped weights: ``targets`` and ``perm``). No ``expect``
list and no answer was changed.

After (this batch is no longer held out): the 7 accepted wrong answers are rejected at
the root (the core compares every input after the call and names one changed in place;
dropout's masks must follow ``generator``; the MC dropout case has batch norm whose
running statistics differ from the batch's, and outputs requiring grad are named). Of
the 12 generic messages, 4 are now named by the core's generic hypotheses, untuned
(a factor equal to the number of points, a term in ``W`` or ``sign(w)`` of the wrong
sign, a tuple in the wrong order), 6 by fallbacks and hints saying what they found in
a teacher's words (1/m, gradient ascent, the L1 norm, zeros on the other classes, keep
and drop mixed up, forward passes); 2 stay generic (standardized columns, averaging over
the other axis first). 145 of 145 rejected, 143 named, 0 misleading, 57 of 57 right.
"""

# ruff: noqa: E731, N803, N806, B905

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .core import Batch

B = Batch()
wrong, right = B.wrong, B.right


# ---------------------------------------------------------------- ch01 polynomial features
C = "check_polynomial_features"


@wrong(
    C,
    "columns start at x**1",
    "column 0|ones|x**0|constant|intercept",
    avoid=("transpose", "reversed", "decreasing"),
)
def _(x, degree):
    x = np.asarray(x, dtype=float)
    return x[:, None] ** np.arange(1, degree + 1)


@wrong(
    C,
    "range(degree): drops the highest power",
    "degree + 1|x**degree|last column|highest",
    avoid=("transpose", "reversed", "column 0"),
)
def _(x, degree):
    x = np.asarray(x, dtype=float)
    return np.stack([x**j for j in range(degree)], axis=1)


@wrong(
    C,
    "returns the transpose (d+1, n)",
    "transpose|shape|(n, d + 1)|rows",
    avoid=("reversed", "decreasing"),
)
def _(x, degree):
    x = np.asarray(x, dtype=float)
    return x[None, :] ** np.arange(degree + 1)[:, None]


@wrong(
    C,
    "np.vander with its default decreasing powers",
    "order|reversed|decreasing|increasing",
    avoid=("transpose", "column 0 is missing"),
)
def _(x, degree):
    return np.vander(np.asarray(x, dtype=float), degree + 1)


@wrong(
    C,
    "multiplies by j instead of raising to the power j",
    "power|**|multipl|exponent",
    avoid=("transpose", "reversed"),
)
def _(x, degree):
    x = np.asarray(x, dtype=float)
    return x[:, None] * np.arange(degree + 1)


@wrong(
    C,
    "base and exponent swapped: j**x",
    "power|exponent|base|x**j",
    avoid=("transpose", "reversed"),
)
def _(x, degree):
    x = np.asarray(x, dtype=float)
    return np.arange(degree + 1.0)[None, :] ** x[:, None]


@wrong(
    C,
    "standardizes every column",
    "scale|standardi|normali|x**j",
    avoid=("transpose", "reversed"),
)
def _(x, degree):
    x = np.asarray(x, dtype=float)
    Phi = x[:, None] ** np.arange(degree + 1)
    std = Phi.std(axis=0)
    std[std == 0] = 1.0
    return (Phi - Phi.mean(axis=0)) / std


@right(C, "np.vander(increasing=True)")
def _(x, degree):
    return np.vander(np.asarray(x, dtype=float), degree + 1, increasing=True)


@right(C, "column_stack of a Python loop")
def _(x, degree):
    x = np.asarray(x, dtype=float)
    cols = [np.ones_like(x)]
    for _j in range(degree):
        cols.append(cols[-1] * x)
    return np.column_stack(cols)


@right(C, "numpy.polynomial.polynomial.polyvander")
def _(x, degree):
    return np.polynomial.polynomial.polyvander(np.asarray(x, dtype=float), degree)


# ---------------------------------------------------------------- ch01 bias and variance
C = "check_bias_variance"


@wrong(
    C,
    "variance with ddof=1",
    "ddof|unbiased|R - 1|n - 1|sample variance",
    avoid=("axis", "swap", "order"),
)
def _(predictions, truth):
    mean_fit = predictions.mean(axis=0)
    return np.mean((mean_fit - truth) ** 2), np.mean(predictions.var(axis=0, ddof=1))


@wrong(
    C,
    "returns (variance, bias2)",
    "order|swap|pair|(bias2, variance)",
    avoid=("ddof", "axis"),
)
def _(predictions, truth):
    mean_fit = predictions.mean(axis=0)
    return np.mean(predictions.var(axis=0)), np.mean((mean_fit - truth) ** 2)


@wrong(
    C,
    "averages over test inputs first (axis=1)",
    "axis|training sets|rows|axis=0",
    avoid=("ddof", "swap"),
)
def _(predictions, truth):
    mean_fit = predictions.mean(axis=1)
    bias2 = np.mean((mean_fit[:, None] - truth) ** 2)
    return bias2, np.mean(predictions.var(axis=1))


@wrong(
    C,
    "squares the mean bias instead of averaging the squared bias",
    "square|mean of|average of|(f̄ - f)",
    avoid=("ddof", "axis", "swap"),
)
def _(predictions, truth):
    mean_fit = predictions.mean(axis=0)
    return np.mean(mean_fit - truth) ** 2, np.mean(predictions.var(axis=0))


@wrong(
    C,
    "standard deviation instead of variance",
    "std|standard deviation|square",
    avoid=("ddof", "swap", "axis"),
)
def _(predictions, truth):
    mean_fit = predictions.mean(axis=0)
    return np.mean((mean_fit - truth) ** 2), np.mean(predictions.std(axis=0))


@wrong(
    C,
    "bias2 is the expected error of the fits (includes the variance)",
    "expected error|total|mse|includes the variance|bias",
    avoid=("ddof", "swap"),
)
def _(predictions, truth):
    bias2 = np.mean((predictions - truth) ** 2)
    return bias2, np.mean(predictions.var(axis=0))


@wrong(
    C,
    "sums over test inputs instead of averaging",
    "sum|average|mean over|test inputs",
    avoid=("ddof", "swap"),
)
def _(predictions, truth):
    mean_fit = predictions.mean(axis=0)
    return np.sum((mean_fit - truth) ** 2), np.sum(predictions.var(axis=0))


@right(C, "explicit loops over training sets and inputs")
def _(predictions, truth):
    R, T = predictions.shape
    bias2 = variance = 0.0
    for j in range(T):
        col = [float(predictions[r, j]) for r in range(R)]
        mean = sum(col) / R
        bias2 += (mean - float(truth[j])) ** 2 / T
        variance += sum((c - mean) ** 2 for c in col) / R / T
    return bias2, variance


@right(C, "variance as the mean squared deviation from the mean fit")
def _(predictions, truth):
    mean_fit = np.mean(predictions, axis=0, keepdims=True)
    bias2 = np.square(mean_fit[0] - truth).mean()
    variance = np.square(predictions - mean_fit).mean()
    return float(bias2), float(variance)


@right(C, "expected error minus variance for the bias")
def _(predictions, truth):
    variance = np.var(predictions, axis=0, ddof=0).mean()
    return np.mean((predictions - truth) ** 2) - variance, variance


# ---------------------------------------------------------------- ch02 tanh backward
C = "check_tanh_backward"


def _forward(X, params):
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.tanh(Z1)
    Y_hat = 1.0 / (1.0 + np.exp(-(params["W2"] @ A1 + params["b2"])))
    return Z1, A1, Y_hat


def _grads(X, d1, d2, A1):
    return {
        "W1": d1 @ X.T,
        "b1": d1.sum(axis=1, keepdims=True),
        "W2": d2 @ A1.T,
        "b2": d2.sum(axis=1, keepdims=True),
    }


@wrong(
    C,
    "keeps the ReLU mask",
    "mask|relu|1 - tanh|derivative|tanh'",
    avoid=("1/m", "sign", "transpose"),
)
def _(X, Y, params):
    Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y_hat - Y) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (Z1 > 0)
    return _grads(X, d1, d2, A1)


@wrong(
    C,
    "1 - Z1**2: squares the pre-activation",
    "Z1|pre-activation|A1|tanh(z)",
    avoid=("1/m", "sign", "mask"),
)
def _(X, Y, params):
    Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y_hat - Y) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (1.0 - Z1**2)
    return _grads(X, d1, d2, A1)


@wrong(
    C,
    "forgets the 1/m of the mean",
    "1/m|mean|divide|number of examples|sum",
    avoid=("mask", "sign", "Z1"),
)
def _(X, Y, params):
    _Z1, A1, Y_hat = _forward(X, params)
    d2 = Y_hat - Y
    d1 = (params["W2"].T @ d2) * (1.0 - A1**2)
    return _grads(X, d1, d2, A1)


@wrong(
    C,
    "bias gradients as a mean (divides by m twice)",
    "b1|b2|bias|sum",
    avoid=("mask", "sign", "Z1"),
)
def _(X, Y, params):
    _Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y_hat - Y) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (1.0 - A1**2)
    grads = _grads(X, d1, d2, A1)
    grads["b1"] = d1.mean(axis=1, keepdims=True)
    grads["b2"] = d2.mean(axis=1, keepdims=True)
    return grads


@wrong(
    C,
    "1 - tanh(A1)**2: tanh applied twice",
    "tanh|A1|twice|1 - a",
    avoid=("1/m", "sign", "mask"),
)
def _(X, Y, params):
    _Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y_hat - Y) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (1.0 - np.tanh(A1) ** 2)
    return _grads(X, d1, d2, A1)


@wrong(
    C,
    "W1 gradient transposed (X @ d1.T)",
    "transpose|W1|X.T|(2, 2)",
    avoid=("1/m", "sign", "mask"),
)
def _(X, Y, params):
    _Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y_hat - Y) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (1.0 - A1**2)
    grads = _grads(X, d1, d2, A1)
    grads["W1"] = X @ d1.T
    return grads


@wrong(
    C,
    "sign flipped: Y - Y_hat",
    "sign|Y_hat - Y|opposite|negative|ascent",
    avoid=("1/m", "mask", "Z1"),
)
def _(X, Y, params):
    _Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y - Y_hat) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (1.0 - A1**2)
    return _grads(X, d1, d2, A1)


@right(C, "sech^2 written with cosh, dividing by m at the end")
def _(X, Y, params):
    m = X.shape[1]
    Z1 = np.dot(params["W1"], X) + params["b1"]
    A1 = np.tanh(Z1)
    Y_hat = 1.0 / (1.0 + np.exp(-(np.dot(params["W2"], A1) + params["b2"])))
    d2 = Y_hat - Y
    d1 = np.dot(params["W2"].T, d2) / np.cosh(Z1) ** 2
    return {
        "W1": np.dot(d1, X.T) / m,
        "b1": np.sum(d1, axis=1, keepdims=True) / m,
        "W2": np.dot(d2, A1.T) / m,
        "b2": np.sum(d2, axis=1, keepdims=True) / m,
    }


@right(C, "einsum and mean over examples")
def _(X, Y, params):
    _Z1, A1, Y_hat = _forward(X, params)
    d2 = Y_hat - Y
    d1 = np.einsum("ko,oi->ki", params["W2"].T, d2) * (1.0 - A1 * A1)
    return {
        "W1": np.einsum("ki,ji->kji", d1, X).mean(axis=2),
        "b1": d1.mean(axis=1).reshape(2, 1),
        "W2": np.einsum("oi,ki->oki", d2, A1).mean(axis=2),
        "b2": d2.mean(axis=1).reshape(1, 1),
    }


@right(C, "per-example loop")
def _(X, Y, params):
    m = X.shape[1]
    out = {k: np.zeros_like(v, dtype=float) for k, v in params.items()}
    for i in range(m):
        x = X[:, i : i + 1]
        a1 = np.tanh(params["W1"] @ x + params["b1"])
        y_hat = 1.0 / (1.0 + np.exp(-(params["W2"] @ a1 + params["b2"])))
        d2 = (y_hat - Y[:, i : i + 1]) / m
        d1 = params["W2"].T @ d2 * (1.0 - a1**2)
        out["W1"] += d1 @ x.T
        out["b1"] += d1
        out["W2"] += d2 @ a1.T
        out["b2"] += d2
    return out


# ---------------------------------------------------------------- ch02 L2 update
C = "check_l2_update"


@wrong(
    C,
    "penalty gradient 2*lam/m*W (forgot the 1/2)",
    "factor 2|twice|2λ|2 *|1/2|½",
    avoid=("sign", "learning rate", "in place"),
)
def _(W, grad_W, lr, lam, m):
    return W - lr * (grad_W + 2 * lam / m * W)


@wrong(
    C,
    "forgets the 1/m",
    "/m|1/m|divided by m|examples|/ m",
    avoid=("factor 2", "sign", "in place"),
)
def _(W, grad_W, lr, lam, m):
    return W - lr * (grad_W + lam * W)


@wrong(
    C,
    "penalty gradient lam/(2m)*W (halved twice)",
    "half|1/2|½|2m|factor 2",
    avoid=("sign", "in place"),
)
def _(W, grad_W, lr, lam, m):
    return W - lr * (grad_W + lam / (2 * m) * W)


@wrong(
    C,
    "adds the penalty step: the weights grow",
    "sign|plus|grow|+|minus",
    avoid=("factor 2", "in place"),
)
def _(W, grad_W, lr, lam, m):
    return W - lr * grad_W + lr * lam / m * W


@wrong(
    C,
    "decay factor 1 - lam/m without the learning rate",
    "lr|learning rate|η|eta",
    avoid=("factor 2", "sign", "in place"),
)
def _(W, grad_W, lr, lam, m):
    return (1 - lam / m) * W - lr * grad_W


@wrong(
    C,
    "updates W in place and returns it",
    "in place|in-place|modif|mutat|input|copy",
    avoid=("factor 2", "sign", "learning rate"),
)
def _(W, grad_W, lr, lam, m):
    W -= lr * (grad_W + lam / m * W)
    return W


@wrong(
    C,
    "decays after the data step instead of before",
    "order|before|after|decay",
    avoid=("factor 2", "sign", "in place"),
)
def _(W, grad_W, lr, lam, m):
    return (W - lr * grad_W) * (1 - lr * lam / m)


@right(C, "decay form (1 - lr*lam/m) * W - lr * grad_W")
def _(W, grad_W, lr, lam, m):
    return (1 - lr * lam / m) * W - lr * grad_W


@right(C, "copy, then in-place updates of the copy")
def _(W, grad_W, lr, lam, m):
    W_new = np.array(W, dtype=float, copy=True)
    W_new *= 1 - lr * lam / m
    W_new -= lr * np.asarray(grad_W)
    return W_new


@right(C, "np.subtract with the penalized gradient")
def _(W, grad_W, lr, lam, m):
    return np.subtract(W, np.multiply(lr, np.add(grad_W, np.multiply(lam / m, W))))


# ---------------------------------------------------------------- ch03 penalty gradient
C = "check_penalty_gradient"


@wrong(
    C,
    "forgets the factor 2 of the square",
    "factor 2|2 *|twice|2λ|2 lam2",
    avoid=("sign", "at 0", "swap"),
)
def _(w, lam1, lam2):
    return lam1 * np.sign(w) + lam2 * w


@wrong(
    C,
    "np.where(w >= 0, 1, -1): slope +lam1 at 0",
    "at 0|zero|w = 0|subgradient|sign(0)",
    avoid=("factor 2", "swap"),
)
def _(w, lam1, lam2):
    return lam1 * np.where(w >= 0, 1.0, -1.0) + 2 * lam2 * w


@wrong(C, "differentiates |w| as w", "sign|abs|\\|w\\||L1", avoid=("factor 2", "swap"))
def _(w, lam1, lam2):
    return lam1 * w + 2 * lam2 * w


@wrong(
    C,
    "returns the penalty itself, not its gradient",
    "value|gradient|penalty itself|derivative",
    avoid=("factor 2", "swap"),
)
def _(w, lam1, lam2):
    return lam1 * np.abs(w) + lam2 * w**2


@wrong(C, "lam1 and lam2 swapped", "swap|lam1|lam2|λ1|λ2", avoid=("factor 2", "at 0"))
def _(w, lam1, lam2):
    return lam2 * np.sign(w) + 2 * lam1 * w


@wrong(
    C,
    "sign as w / |w|: nan at 0",
    "nan|zero|at 0|divide|w = 0",
    avoid=("factor 2", "swap"),
)
def _(w, lam1, lam2):
    with np.errstate(invalid="ignore", divide="ignore"):
        return lam1 * w / np.abs(w) + 2 * lam2 * w


@wrong(
    C,
    "L1 term with a minus sign",
    "sign|minus|-λ1|opposite",
    avoid=("factor 2", "swap", "at 0"),
)
def _(w, lam1, lam2):
    return -lam1 * np.sign(w) + 2 * lam2 * w


@right(C, "nested np.where for the sign")
def _(w, lam1, lam2):
    w = np.asarray(w, dtype=float)
    return np.where(w > 0, lam1, np.where(w < 0, -lam1, 0.0)) + 2 * lam2 * w


@right(C, "torch autograd of the penalty")
def _(w, lam1, lam2):
    wt = torch.tensor(np.asarray(w, dtype=float), requires_grad=True)
    (lam1 * wt.abs().sum() + lam2 * (wt**2).sum()).backward()
    return wt.grad.numpy()


@right(C, "sign as a difference of boolean masks")
def _(w, lam1, lam2):
    w = np.asarray(w, dtype=float)
    return lam1 * ((w > 0).astype(float) - (w < 0)) + lam2 * (w + w)


# ---------------------------------------------------------------- ch03 soft threshold
C = "check_soft_threshold"


@wrong(
    C,
    "hard threshold: keeps large entries unchanged",
    "hard|unchanged|shrink|subtract",
    avoid=("cross", "sign of v", "clip"),
)
def _(v, t):
    return np.where(np.abs(v) > t, v, 0.0)


@wrong(
    C,
    "v - t*sign(v) without the max: small entries cross zero",
    "max|cross|zero|sign change|exactly 0",
    avoid=("hard",),
)
def _(v, t):
    return v - t * np.sign(v)


@wrong(
    C,
    "drops the sign: max(|v| - t, 0)",
    "sign|negative|sign(v)",
    avoid=("hard", "cross"),
)
def _(v, t):
    return np.maximum(np.abs(v) - t, 0.0)


@wrong(
    C,
    "one-sided: max(v - t, 0)",
    "negative|sign|symmetric|v < -t",
    avoid=("hard", "clip"),
)
def _(v, t):
    return np.maximum(v - t, 0.0)


@wrong(
    C,
    "threshold t/2 (drops the 1/2 of the square)",
    "t/2|half|factor|threshold",
    avoid=("hard", "sign of v", "clip"),
)
def _(v, t):
    return np.sign(v) * np.maximum(np.abs(v) - t / 2, 0.0)


@wrong(C, "clips v to [-t, t]", "clip|clamp|shrink|subtract", avoid=("hard", "cross"))
def _(v, t):
    return np.clip(v, -t, t)


@right(C, "max(v - t, 0) + min(v + t, 0)")
def _(v, t):
    return np.maximum(v - t, 0.0) + np.minimum(v + t, 0.0)


@right(C, "case by case in a loop")
def _(v, t):
    out = np.zeros(len(v))
    for i, vi in enumerate(v):
        if vi > t:
            out[i] = vi - t
        elif vi < -t:
            out[i] = vi + t
    return out


@right(C, "torch softshrink")
def _(v, t):
    return F.softshrink(torch.as_tensor(np.asarray(v, dtype=float)), float(t)).numpy()


# ---------------------------------------------------------------- ch04 decay step
C = "check_decay_step"


@wrong(
    C,
    "decays the bias too",
    "bias|biases|b_new|not decay",
    avoid=("factor 2", "swap", "learning rate"),
)
def _(w, b, grad_w, grad_b, lr, lam, n):
    shrink = 1 - lr * lam / n
    return shrink * w - lr * grad_w, shrink * b - lr * grad_b


@wrong(
    C,
    "forgets the 1/n",
    "/n|1/n|divided by n|examples|/ n",
    avoid=("bias", "factor 2", "swap"),
)
def _(w, b, grad_w, grad_b, lr, lam, n):
    return (1 - lr * lam) * w - lr * grad_w, b - lr * grad_b


@wrong(C, "decay factor 1 - 2*lr*lam/n", "factor 2|twice|2λ|1/2|½", avoid=("bias", "swap"))
def _(w, b, grad_w, grad_b, lr, lam, n):
    return (1 - 2 * lr * lam / n) * w - lr * grad_w, b - lr * grad_b


@wrong(
    C,
    "returns (b_new, w_new)",
    "order|swap|pair|(w_new, b_new)",
    avoid=("factor 2", "1/n"),
)
def _(w, b, grad_w, grad_b, lr, lam, n):
    return b - lr * grad_b, (1 - lr * lam / n) * w - lr * grad_w


@wrong(
    C,
    "decay factor without the learning rate",
    "lr|learning rate|η|eta",
    avoid=("bias", "factor 2", "swap"),
)
def _(w, b, grad_w, grad_b, lr, lam, n):
    return (1 - lam / n) * w - lr * grad_w, b - lr * grad_b


@wrong(
    C,
    "leaves the bias unchanged (forgets its data step)",
    "bias|grad_b|step|b_new",
    avoid=("factor 2", "swap", "1/n"),
)
def _(w, b, grad_w, grad_b, lr, lam, n):
    return (1 - lr * lam / n) * w - lr * grad_w, b


@wrong(
    C,
    "penalty enters with a plus sign",
    "sign|grow|plus|1 +",
    avoid=("bias", "swap", "factor 2"),
)
def _(w, b, grad_w, grad_b, lr, lam, n):
    return (1 + lr * lam / n) * w - lr * grad_w, b - lr * grad_b


@right(C, "gradient form w - lr*(grad_w + lam/n*w)")
def _(w, b, grad_w, grad_b, lr, lam, n):
    return w - lr * (grad_w + lam / n * w), b - lr * grad_b


@right(C, "float copies updated in place")
def _(w, b, grad_w, grad_b, lr, lam, n):
    w_new = np.array(w, dtype=float)
    b_new = np.array(b, dtype=float)
    w_new *= 1 - lr * lam / n
    w_new -= lr * grad_w
    b_new -= lr * grad_b
    return w_new, b_new


# ---------------------------------------------------------------- ch04 Adam + L2
C = "check_adam_l2_step"


@wrong(
    C,
    "AdamW: decoupled decay instead of L2",
    "AdamW|decoupled|moving average|added to the gradient|grad",
    avoid=("bias correction", "eps", "beta1 and beta2"),
)
def _(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    w = w * (1 - lr * weight_decay) - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, m, v


@wrong(
    C,
    "no bias correction",
    "bias correction|bias-correct|1 - beta1**t|m_hat|correct",
    avoid=("AdamW", "eps", "decoupled"),
)
def _(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = grad + weight_decay * w
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return w - lr * m / (np.sqrt(v) + eps), m, v


@wrong(
    C,
    "eps inside the square root",
    "eps|inside|sqrt|square root",
    avoid=("AdamW", "bias correction", "decoupled"),
)
def _(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = grad + weight_decay * w
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v


@wrong(
    C,
    "returns the bias-corrected m_hat, v_hat",
    "m_hat|corrected|bias-corrected|raw|moment",
    avoid=("AdamW", "eps", "decoupled"),
)
def _(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = grad + weight_decay * w
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


@wrong(
    C,
    "bias correction with t + 1 (counts from 0)",
    "t + 1|step number|count|from 1|off by one",
    avoid=("AdamW", "eps", "decoupled"),
)
def _(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = grad + weight_decay * w
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1 ** (t + 1))
    v_hat = v / (1 - beta2 ** (t + 1))
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@wrong(
    C,
    "penalty added to the first moment only",
    "v|second moment|squared|both moving averages",
    avoid=("AdamW", "eps", "bias correction"),
)
def _(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    g_pen = grad + weight_decay * w
    m = beta1 * m + (1 - beta1) * g_pen
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@wrong(
    C,
    "beta1 and beta2 swapped",
    "beta1|beta2|swap|β1|β2",
    avoid=("AdamW", "eps", "decoupled"),
)
def _(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = grad + weight_decay * w
    m = beta2 * m + (1 - beta2) * grad
    v = beta1 * v + (1 - beta1) * grad**2
    m_hat = m / (1 - beta2**t)
    v_hat = v / (1 - beta1**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@right(C, "PyTorch's arrangement: bias corrections folded into step and denominator")
def _(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    g = grad + weight_decay * w
    m = m + (1 - beta1) * (g - m)
    v = beta2 * v + (1 - beta2) * g * g
    bc1, bc2 = 1 - beta1**t, 1 - beta2**t
    denom = np.sqrt(v) / np.sqrt(bc2) + eps
    return w - (lr / bc1) * m / denom, m, v


@right(C, "torch.optim.Adam with its state set by hand")
def _(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    p = torch.nn.Parameter(torch.tensor(np.asarray(w, dtype=float)))
    opt = torch.optim.Adam(
        [p],
        lr=lr,
        betas=(beta1, beta2),
        eps=eps,
        weight_decay=weight_decay,
        foreach=False,
    )
    opt.state[p] = {
        "step": torch.tensor(float(t - 1)),
        "exp_avg": torch.tensor(np.asarray(m, dtype=float)),
        "exp_avg_sq": torch.tensor(np.asarray(v, dtype=float)),
    }
    p.grad = torch.tensor(np.asarray(grad, dtype=float))
    opt.step()
    state = opt.state[p]
    return p.detach().numpy(), state["exp_avg"].numpy(), state["exp_avg_sq"].numpy()


# ---------------------------------------------------------------- ch05 inverted dropout
C = "check_inverted_dropout"


def _in_drop_convention(keep_prob_dropout):
    """The exercise's check cell: the learner's function, called with q = 1 - p."""

    def in_drop_convention(x, p, training, generator):
        return keep_prob_dropout(x, 1 - p, training, generator)

    return in_drop_convention


@wrong(
    C,
    "divides the survivors by 1 - q",
    "divide|scale|1 - p|1/(1 - p)|keep",
    avoid=("eval", "generator"),
)
@_in_drop_convention
def _(x, q, training, generator):
    if training and q < 1:
        kept = (torch.rand(x.shape, generator=generator) < q).to(x.dtype)
        return x * kept / (1 - q)
    return x


@wrong(
    C,
    "keeps when the draw is >= q (reads q as a drop probability)",
    "keep|drop|convention|mixed|mask",
    avoid=("eval", "generator"),
)
@_in_drop_convention
def _(x, q, training, generator):
    if training and q < 1:
        kept = (torch.rand(x.shape, generator=generator) >= q).to(x.dtype)
        return x * kept / q
    return x


@wrong(
    C,
    "no rescaling of the survivors",
    "scale|divide|expected|1/(1 - p)|inverted",
    avoid=("eval", "generator"),
)
@_in_drop_convention
def _(x, q, training, generator):
    if training and q < 1:
        return x * (torch.rand(x.shape, generator=generator) < q).to(x.dtype)
    return x


@wrong(
    C,
    "drops in eval mode too",
    "eval|training|mode|unchanged",
    avoid=("scale", "generator"),
)
@_in_drop_convention
def _(x, q, training, generator):
    if q < 1:
        kept = (torch.rand(x.shape, generator=generator) < q).to(x.dtype)
        return x * kept / q
    return x


@wrong(
    C,
    "scales by q in eval mode (the paper's test-time rule)",
    "eval|unchanged|test|inverted",
    avoid=("generator", "mask"),
)
@_in_drop_convention
def _(x, q, training, generator):
    if training and q < 1:
        kept = (torch.rand(x.shape, generator=generator) < q).to(x.dtype)
        return x * kept / q
    return x * q


@wrong(
    C,
    "multiplies the survivors by q instead of dividing",
    "divide|scale|multipl|1/(1 - p)",
    avoid=("eval", "generator"),
)
@_in_drop_convention
def _(x, q, training, generator):
    if training and q < 1:
        kept = (torch.rand(x.shape, generator=generator) < q).to(x.dtype)
        return x * kept * q
    return x


@wrong(
    C,
    "ignores the generator and seeds the global RNG",
    "generator|random|seed",
    avoid=("eval", "scale"),
)
@_in_drop_convention
def _(x, q, training, generator):
    if training and q < 1:
        torch.manual_seed(0)
        kept = (torch.rand(x.shape) < q).to(x.dtype)
        return x * kept / q
    return x


@right(C, "torch.where on the mask")
@_in_drop_convention
def _(x, q, training, generator):
    if not training:
        return x
    mask = torch.rand(x.size(), generator=generator) < q
    return torch.where(mask, x / q, torch.zeros_like(x))


@right(C, "masked_fill of the dropped entries, then divide")
@_in_drop_convention
def _(x, q, training, generator):
    if not training or q >= 1:
        return x.clone()
    dropped = torch.rand(tuple(x.shape), generator=generator) >= q
    return x.masked_fill(dropped, 0.0) / q


# ---------------------------------------------------------------- ch05 dropout penalty
C = "check_dropout_penalty"


@wrong(
    C,
    "variance factor p instead of p/(1-p)",
    "p/(1 - p)|1 - p|variance|scal",
    avoid=("mean over", "cross", "square"),
)
def _(X, w, p):
    return p * np.sum(w**2 * np.mean(X**2, axis=0))


@wrong(
    C,
    "factor (1-p)/p: p read as the keep probability",
    "p/(1 - p)|keep|swap|inverted|drop",
    avoid=("cross", "square"),
)
def _(X, w, p):
    return (1 - p) / p * np.sum(w**2 * np.mean(X**2, axis=0))


@wrong(
    C,
    "sums over examples instead of averaging",
    "mean|average|divide|examples|sum over",
    avoid=("p/(1 - p)", "cross", "keep"),
)
def _(X, w, p):
    return p / (1 - p) * np.sum(w**2 * np.sum(X**2, axis=0))


@wrong(
    C,
    "uses the squared prediction (X @ w)**2: cross terms",
    "cross|diagonal|each feature|per feature|x_ij",
    avoid=("1/2",),
)
def _(X, w, p):
    return p / (1 - p) * np.mean((X @ w) ** 2)


@wrong(C, "w not squared", "w**2|square|w²|w_j^2", avoid=("keep", "cross", "average"))
def _(X, w, p):
    return p / (1 - p) * np.sum(np.abs(w) * np.mean(X**2, axis=0))


@wrong(
    C,
    "averages over features too (divides by d)",
    "sum over|features|divide by d|mean over",
    avoid=("keep", "cross", "square"),
)
def _(X, w, p):
    return p / (1 - p) * np.mean(w**2 * X**2)


@wrong(C, "adds a factor 1/2", "1/2|half|factor|½", avoid=("keep", "cross", "sum over"))
def _(X, w, p):
    return 0.5 * p / (1 - p) * np.sum(w**2 * np.mean(X**2, axis=0))


@right(C, "einsum over entries, divided by n")
def _(X, w, p):
    return p / (1 - p) * np.einsum("ij,j->", X**2, w**2) / X.shape[0]


@right(C, "diagonal of X^T X over n")
def _(X, w, p):
    return float(p / (1 - p) * (w**2) @ np.diag(X.T @ X) / len(X))


@right(C, "double loop")
def _(X, w, p):
    n, d = X.shape
    total = 0.0
    for i in range(n):
        for j in range(d):
            total += (X[i, j] * w[j]) ** 2
    return p / (1 - p) * total / n


# ---------------------------------------------------------------- ch06 batch norm step
C = "check_batch_norm_step"


def _bn_update(running_mean, running_var, momentum, batch_mean, unbiased):
    new_mean = (1 - momentum) * running_mean + momentum * batch_mean
    new_var = (1 - momentum) * running_var + momentum * unbiased
    return new_mean, new_var


@wrong(
    C,
    "statistics over the batch only (dim=0)",
    "dim|axis|(0, 2)|length|L|positions",
    avoid=("eval",),
)
def _(x, running_mean, running_var, training, momentum, eps):
    if not training:
        y = (x - running_mean[:, None]) / torch.sqrt(running_var[:, None] + eps)
        return y, running_mean, running_var
    mean = x.mean(dim=0)
    var = x.var(dim=0, unbiased=False)
    y = (x - mean) / torch.sqrt(var + eps)
    n = x.shape[0]
    return (
        y,
        *_bn_update(
            running_mean,
            running_var,
            momentum,
            mean.mean(dim=1),
            (var * n / (n - 1)).mean(dim=1),
        ),
    )


@wrong(
    C,
    "normalizes with the unbiased variance",
    "biased|unbiased|forward|N * L - 1|Bessel",
    avoid=("momentum", "eval", "dim"),
)
def _(x, running_mean, running_var, training, momentum, eps):
    if not training:
        y = (x - running_mean[:, None]) / torch.sqrt(running_var[:, None] + eps)
        return y, running_mean, running_var
    mean = x.mean(dim=(0, 2))
    unbiased = x.var(dim=(0, 2), unbiased=True)
    y = (x - mean[:, None]) / torch.sqrt(unbiased[:, None] + eps)
    return (y, *_bn_update(running_mean, running_var, momentum, mean, unbiased))


@wrong(
    C,
    "running variance updated with the biased variance",
    "unbiased|N * L - 1|count - 1|Bessel|running",
    avoid=("momentum", "eval", "dim"),
)
def _(x, running_mean, running_var, training, momentum, eps):
    if not training:
        y = (x - running_mean[:, None]) / torch.sqrt(running_var[:, None] + eps)
        return y, running_mean, running_var
    mean = x.mean(dim=(0, 2))
    biased = x.var(dim=(0, 2), unbiased=False)
    y = (x - mean[:, None]) / torch.sqrt(biased[:, None] + eps)
    return (y, *_bn_update(running_mean, running_var, momentum, mean, biased))


@wrong(
    C,
    "momentum weights the old value",
    "momentum|weight|reversed|new value",
    avoid=("eps", "eval", "dim"),
)
def _(x, running_mean, running_var, training, momentum, eps):
    if not training:
        y = (x - running_mean[:, None]) / torch.sqrt(running_var[:, None] + eps)
        return y, running_mean, running_var
    count = x.shape[0] * x.shape[2]
    mean = x.mean(dim=(0, 2))
    biased = x.var(dim=(0, 2), unbiased=False)
    y = (x - mean[:, None]) / torch.sqrt(biased[:, None] + eps)
    return (
        y,
        momentum * running_mean + (1 - momentum) * mean,
        momentum * running_var + (1 - momentum) * biased * count / (count - 1),
    )


@wrong(
    C,
    "eval mode normalizes with the batch statistics",
    "eval|running statistics|mode|running",
    avoid=("momentum", "eps", "unbiased"),
)
def _(x, running_mean, running_var, training, momentum, eps):
    count = x.shape[0] * x.shape[2]
    mean = x.mean(dim=(0, 2))
    biased = x.var(dim=(0, 2), unbiased=False)
    y = (x - mean[:, None]) / torch.sqrt(biased[:, None] + eps)
    if not training:
        return y, running_mean, running_var
    return (
        y,
        *_bn_update(running_mean, running_var, momentum, mean, biased * count / (count - 1)),
    )


@wrong(
    C,
    "Bessel factor N/(N-1) instead of N*L/(N*L-1)",
    "N * L|count|length|values|N - 1",
    avoid=("momentum", "eval", "eps"),
)
def _(x, running_mean, running_var, training, momentum, eps):
    if not training:
        y = (x - running_mean[:, None]) / torch.sqrt(running_var[:, None] + eps)
        return y, running_mean, running_var
    n = x.shape[0]
    mean = x.mean(dim=(0, 2))
    biased = x.var(dim=(0, 2), unbiased=False)
    y = (x - mean[:, None]) / torch.sqrt(biased[:, None] + eps)
    return (
        y,
        *_bn_update(running_mean, running_var, momentum, mean, biased * n / (n - 1)),
    )


@wrong(
    C,
    "eps added outside the square root",
    "eps|inside|sqrt|square root",
    avoid=("momentum", "eval", "unbiased"),
)
def _(x, running_mean, running_var, training, momentum, eps):
    if not training:
        y = (x - running_mean[:, None]) / (torch.sqrt(running_var[:, None]) + eps)
        return y, running_mean, running_var
    count = x.shape[0] * x.shape[2]
    mean = x.mean(dim=(0, 2))
    biased = x.var(dim=(0, 2), unbiased=False)
    y = (x - mean[:, None]) / (torch.sqrt(biased[:, None]) + eps)
    return (
        y,
        *_bn_update(running_mean, running_var, momentum, mean, biased * count / (count - 1)),
    )


@right(C, "F.batch_norm on clones of the running buffers")
def _(x, running_mean, running_var, training, momentum, eps):
    rm, rv = running_mean.clone(), running_var.clone()
    y = F.batch_norm(x, rm, rv, training=training, momentum=momentum, eps=eps)
    return y, rm, rv


@right(C, "channels first: (C, N*L) rows")
def _(x, running_mean, running_var, training, momentum, eps):
    C_ = x.shape[1]
    rows = x.transpose(0, 1).reshape(C_, -1)
    if training:
        mean = rows.mean(dim=1)
        unbiased = rows.var(dim=1, unbiased=True)
        count = rows.shape[1]
        biased = unbiased * (count - 1) / count
        new_mean = running_mean + momentum * (mean - running_mean)
        new_var = running_var + momentum * (unbiased - running_var)
    else:
        mean, biased = running_mean, running_var
        new_mean, new_var = running_mean, running_var
    y = (x - mean.view(1, -1, 1)) * torch.rsqrt(biased.view(1, -1, 1) + eps)
    return y, new_mean, new_var


@right(C, "nn.BatchNorm1d module with its buffers set")
def _(x, running_mean, running_var, training, momentum, eps):
    bn = nn.BatchNorm1d(x.shape[1], eps=eps, momentum=momentum, affine=False).to(x.dtype)
    bn.running_mean.copy_(running_mean)
    bn.running_var.copy_(running_var)
    bn.train(training)
    with torch.no_grad():
        y = bn(x)
    return y, bn.running_mean.clone(), bn.running_var.clone()


# ---------------------------------------------------------------- ch06 group norm
C = "check_group_norm"


@wrong(
    C,
    "unbiased variance",
    "unbiased|biased|N - 1|Bessel|ddof",
    avoid=("consecutive", "eps"),
)
def _(x, num_groups, eps):
    rows = x.reshape(x.shape[0], num_groups, -1)
    centred = rows - rows.mean(dim=2, keepdim=True)
    return (centred / torch.sqrt(rows.var(dim=2, keepdim=True) + eps)).reshape(x.shape)


@wrong(
    C,
    "statistics over the group's channels only, per position",
    "positions|length|L|over its channels and",
    avoid=("unbiased", "eps", "consecutive"),
)
def _(x, num_groups, eps):
    N, C_, L = x.shape
    g = x.reshape(N, num_groups, C_ // num_groups, L)
    mean = g.mean(dim=2, keepdim=True)
    var = g.var(dim=2, unbiased=False, keepdim=True)
    return ((g - mean) / torch.sqrt(var + eps)).reshape(x.shape)


@wrong(
    C,
    "interleaved groups: channel c goes to group c % G",
    "consecutive|group|reshape|interleav",
    avoid=("unbiased", "eps"),
)
def _(x, num_groups, eps):
    N, C_, L = x.shape
    g = x.reshape(N, C_ // num_groups, num_groups, L).transpose(1, 2).reshape(N, num_groups, -1)
    centred = g - g.mean(dim=2, keepdim=True)
    out = centred / torch.sqrt(g.var(dim=2, unbiased=False, keepdim=True) + eps)
    return out.reshape(N, num_groups, C_ // num_groups, L).transpose(1, 2).reshape(x.shape)


@wrong(
    C,
    "eps outside the square root",
    "eps|sqrt|inside|square root",
    avoid=("unbiased", "consecutive", "layer"),
)
def _(x, num_groups, eps):
    rows = x.reshape(x.shape[0], num_groups, -1)
    centred = rows - rows.mean(dim=2, keepdim=True)
    return (centred / (rows.std(dim=2, unbiased=False, keepdim=True) + eps)).reshape(x.shape)


@wrong(
    C,
    "num_groups read as the group size",
    "num_groups|group size|number of groups|groups",
    avoid=("unbiased", "eps"),
)
def _(x, num_groups, eps):
    rows = x.reshape(x.shape[0], x.shape[1] // num_groups, -1)
    centred = rows - rows.mean(dim=2, keepdim=True)
    scale = torch.sqrt(rows.var(dim=2, unbiased=False, keepdim=True) + eps)
    return (centred / scale).reshape(x.shape)


@wrong(
    C,
    "layer norm: the whole example at once",
    "group|layer|all channels|num_groups",
    avoid=("unbiased", "eps"),
)
def _(x, num_groups, eps):
    rows = x.reshape(x.shape[0], -1)
    centred = rows - rows.mean(dim=1, keepdim=True)
    scale = torch.sqrt(rows.var(dim=1, unbiased=False, keepdim=True) + eps)
    return (centred / scale).reshape(x.shape)


@wrong(
    C,
    "statistics pooled over the batch too",
    "example|batch|each example|per example",
    avoid=("unbiased", "eps"),
)
def _(x, num_groups, eps):
    rows = x.reshape(x.shape[0], num_groups, -1)
    mean = rows.mean(dim=(0, 2), keepdim=True)
    var = rows.var(dim=(0, 2), unbiased=False, keepdim=True)
    return ((rows - mean) / torch.sqrt(var + eps)).reshape(x.shape)


@right(C, "nn.GroupNorm without affine parameters")
def _(x, num_groups, eps):
    gn = nn.GroupNorm(num_groups, x.shape[1], eps=eps, affine=False).to(x.dtype)
    return gn(x)


@right(C, "loop over groups with torch.cat")
def _(x, num_groups, eps):
    size = x.shape[1] // num_groups
    parts = []
    for g in range(num_groups):
        chunk = x[:, g * size : (g + 1) * size, :]
        mean = chunk.mean(dim=(1, 2), keepdim=True)
        var = ((chunk - mean) ** 2).mean(dim=(1, 2), keepdim=True)
        parts.append((chunk - mean) / torch.sqrt(var + eps))
    return torch.cat(parts, dim=1)


@right(C, "torch.var_mean on a view")
def _(x, num_groups, eps):
    rows = x.view(x.shape[0], num_groups, -1)
    var, mean = torch.var_mean(rows, dim=-1, keepdim=True, correction=0)
    return ((rows - mean) * torch.rsqrt(var + eps)).view_as(x)


# ---------------------------------------------------------------- ch07 should stop
C = "check_should_stop"


@wrong(
    C,
    "compares with the previous loss, not the best",
    "best|previous|last improvement",
    avoid=("min_delta", "1-based", "reset"),
)
def _(val_losses, patience, min_delta):
    prev, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < prev - min_delta:
            wait = 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
        prev = loss
    return None


@wrong(
    C,
    "stops one epoch late (wait > patience)",
    "patience|off by one|one epoch|late",
    avoid=("best", "min_delta", "1-based"),
)
def _(val_losses, patience, min_delta):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait > patience:
                return epoch
    return None


@wrong(
    C,
    "returns the 0-based epoch",
    "1-based|0-based|index|from 1|off by one",
    avoid=("best", "min_delta", "patience"),
)
def _(val_losses, patience, min_delta):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None


@wrong(
    C,
    "ignores min_delta",
    "min_delta|delta|threshold|more than",
    avoid=("1-based", "reset"),
)
def _(val_losses, patience, min_delta):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None


@wrong(
    C,
    "never resets the counter on an improvement",
    "reset|counter|in a row|consecutive",
    avoid=("min_delta", "1-based", "previous"),
)
def _(val_losses, patience, min_delta):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best = loss
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None


@wrong(
    C,
    "returns the best epoch instead of the stopping epoch",
    "best epoch|stop|end of which|restor",
    avoid=("min_delta", "1-based", "reset"),
)
def _(val_losses, patience, min_delta):
    best, wait, best_epoch = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, wait, best_epoch = loss, 0, epoch
        else:
            wait += 1
            if wait >= patience:
                return best_epoch
    return None


@wrong(
    C,
    "returns the last epoch instead of None",
    "None|never|never fires|does not stop",
    avoid=("min_delta", "1-based", "reset"),
)
def _(val_losses, patience, min_delta):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return len(val_losses)


@right(C, "epochs since the best epoch")
def _(val_losses, patience, min_delta):
    best, best_epoch = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch
    return None


@right(C, "while loop over indices")
def _(val_losses, patience, min_delta):
    losses = list(val_losses)
    i, best, bad = 0, None, 0
    while i < len(losses):
        if best is None or losses[i] < best - min_delta:
            best, bad = losses[i], 0
        else:
            bad += 1
        if bad == patience:
            return i + 1
        i += 1
    return None


# ---------------------------------------------------------------- ch07 early-stopped GD
C = "check_early_stopped_gd"


@wrong(
    C,
    "mean gradient: divides by n",
    "summed|mean|divid|1/n|sum",
    avoid=("sign", "ridge", "start"),
)
def _(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    for _ in range(num_steps):
        w = w - lr * X.T @ (X @ w - y) / len(y)
    return w


@wrong(
    C,
    "gradient with a factor 2 (of ||Xw - y||^2)",
    "factor 2|2 *|1/2|½|twice",
    avoid=("sign", "ridge", "mean"),
)
def _(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    for _ in range(num_steps):
        w = w - 2 * lr * X.T @ (X @ w - y)
    return w


@wrong(
    C,
    "num_steps + 1 steps",
    "steps|off by one|one step|num_steps|one more",
    avoid=("sign", "ridge", "mean"),
)
def _(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    for _ in range(num_steps + 1):
        w = w - lr * X.T @ (X @ w - y)
    return w


@wrong(
    C,
    "gradient ascent (sign)",
    "sign|ascent|minus|direction",
    avoid=("mean", "ridge", "start"),
)
def _(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    for _ in range(num_steps):
        w = w + lr * X.T @ (X @ w - y)
    return w


@wrong(
    C,
    "returns the ridge solution at lambda = 1/(lr*num_steps)",
    "ridge|closed form|gradient descent|steps",
    avoid=("sign", "mean"),
)
def _(X, y, lr, num_steps):
    return np.linalg.solve(X.T @ X + np.eye(X.shape[1]) / (lr * num_steps), X.T @ y)


@wrong(C, "starts from w = 1", "zero|start|initial|w = 0", avoid=("sign", "mean"))
def _(X, y, lr, num_steps):
    w = np.ones(X.shape[1])
    for _ in range(num_steps):
        w = w - lr * X.T @ (X @ w - y)
    return w


@wrong(
    C,
    "returns every iterate",
    "last|final|history|shape|iterate",
    avoid=("sign", "mean", "ridge"),
)
def _(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    path = []
    for _ in range(num_steps):
        w = w - lr * X.T @ (X @ w - y)
        path.append(w)
    return np.array(path)


@right(C, "precomputed X^T X and X^T y")
def _(X, y, lr, num_steps):
    H, g = X.T @ X, X.T @ y
    w = np.zeros_like(g, dtype=float)
    for _step in range(num_steps):
        w -= lr * (H @ w - g)
    return w


@right(C, "torch autograd on the summed loss")
def _(X, y, lr, num_steps):
    Xt = torch.tensor(np.asarray(X, dtype=float))
    yt = torch.tensor(np.asarray(y, dtype=float))
    w = torch.zeros(Xt.shape[1], dtype=torch.float64, requires_grad=True)
    for _ in range(num_steps):
        loss = 0.5 * ((Xt @ w - yt) ** 2).sum()
        (grad,) = torch.autograd.grad(loss, w)
        with torch.no_grad():
            w -= lr * grad
    return w.detach().numpy()


@right(C, "closed form: sum of (I - lr H)^k lr X^T y")
def _(X, y, lr, num_steps):
    d = X.shape[1]
    M = np.eye(d) - lr * X.T @ X
    term, total = lr * X.T @ y, np.zeros(d)
    for _ in range(num_steps):
        total = total + term
        term = M @ term
    return total


# ---------------------------------------------------------------- ch08 mixup
C = "check_mixup"


@wrong(
    C,
    "weights swapped: (1 - lam) on the example itself",
    "lam|1 - lam|swap|weight",
    avoid=("broadcast",),
)
def _(x, targets, lam, perm):
    lx, lt = lam[:, None, None], lam[:, None]
    return (1 - lx) * x + lx * x[perm], (1 - lt) * targets + lt * targets[perm]


@wrong(
    C,
    "targets not mixed",
    "targets|labels|mix the targets|mixed targets",
    avoid=("swap", "perm", "broadcast"),
)
def _(x, targets, lam, perm):
    lx = lam[:, None, None]
    return lx * x + (1 - lx) * x[perm], targets


@wrong(
    C,
    "one weight (lam.mean()) for the whole batch",
    "same weights|each example|lam|per example",
    avoid=("perm", "targets not"),
)
def _(x, targets, lam, perm):
    a = lam.mean()
    return a * x + (1 - a) * x[perm], a * targets + (1 - a) * targets[perm]


@wrong(
    C,
    "mixes with the inverse permutation",
    "perm|partner|inverse|perm[i]",
    avoid=("swap", "broadcast", "targets not"),
)
def _(x, targets, lam, perm):
    inv = torch.argsort(torch.as_tensor(perm))
    lx, lt = lam[:, None, None], lam[:, None]
    return lx * x + (1 - lx) * x[inv], lt * targets + (1 - lt) * targets[inv]


@wrong(
    C,
    "returns (targets, images)",
    "order|pair|swap|images first",
    avoid=("perm", "broadcast"),
)
def _(x, targets, lam, perm):
    lx, lt = lam[:, None, None], lam[:, None]
    return lt * targets + (1 - lt) * targets[perm], lx * x + (1 - lx) * x[perm]


@wrong(
    C,
    "mixes x in place",
    "in place|in-place|modif|input|copy",
    avoid=("swap", "perm", "broadcast"),
)
def _(x, targets, lam, perm):
    partner = x[perm].clone()
    lx, lt = lam[:, None, None], lam[:, None]
    x.mul_(lx).add_((1 - lx) * partner)
    return x, lt * targets + (1 - lt) * targets[perm]


@wrong(
    C,
    "targets mixed with the complementary weight 1 - lam",
    "same weights|targets|lam|weight",
    avoid=("perm", "in place"),
)
def _(x, targets, lam, perm):
    lx, lt = lam[:, None, None], lam[:, None]
    return lx * x + (1 - lx) * x[perm], (1 - lt) * targets + lt * targets[perm]


@right(C, "torch.lerp towards the example")
def _(x, targets, lam, perm):
    return (
        torch.lerp(x[perm], x, lam.view(-1, 1, 1)),
        torch.lerp(targets[perm], targets, lam.view(-1, 1)),
    )


@right(C, "partner plus lam times the difference, via einsum")
def _(x, targets, lam, perm):
    xp, tp = x[perm], targets[perm]
    return xp + torch.einsum("n,nhw->nhw", lam, x - xp), tp + lam.unsqueeze(1) * (targets - tp)


@right(C, "loop over the batch")
def _(x, targets, lam, perm):
    xs, ts = [], []
    for i in range(len(lam)):
        j = int(perm[i])
        xs.append(lam[i] * x[i] + (1 - lam[i]) * x[j])
        ts.append(lam[i] * targets[i] + (1 - lam[i]) * targets[j])
    return torch.stack(xs), torch.stack(ts)


# ---------------------------------------------------------------- ch08 label smoothing
C = "check_label_smoothing"


@wrong(
    C,
    "the other convention: eps/(K-1) on the wrong classes",
    "K - 1|all classes|true class|including|convention",
    avoid=("sum to 1", "swap"),
)
def _(y, num_classes, smoothing):
    onehot = F.one_hot(y, num_classes).float()
    return (1 - smoothing) * onehot + smoothing / (num_classes - 1) * (1 - onehot)


@wrong(
    C,
    "forgets to scale the one-hot by 1 - smoothing",
    "1 - smoothing|scale|sum to 1|sum|1 - ε",
    avoid=("K - 1", "swap"),
)
def _(y, num_classes, smoothing):
    return F.one_hot(y, num_classes).float() + smoothing / num_classes


@wrong(
    C,
    "adds smoothing, not smoothing / K",
    "/K|divide|num_classes|classes|spread",
    avoid=("K - 1", "swap"),
)
def _(y, num_classes, smoothing):
    return (1 - smoothing) * F.one_hot(y, num_classes).float() + smoothing


@wrong(
    C,
    "puts everything on the true class (others stay 0)",
    "other classes|spread|zero|all classes",
    avoid=("K - 1", "swap"),
)
def _(y, num_classes, smoothing):
    return (1 - smoothing + smoothing / num_classes) * F.one_hot(y, num_classes).float()


@wrong(
    C,
    "smoothing read as the confidence",
    "swap|confidence|1 - smoothing|smoothing",
    avoid=("K - 1",),
)
def _(y, num_classes, smoothing):
    return smoothing * F.one_hot(y, num_classes).float() + (1 - smoothing) / num_classes


@wrong(
    C,
    "one_hot without num_classes",
    "num_classes|shape|classes|columns",
    avoid=("K - 1", "swap", "sum to 1"),
)
def _(y, num_classes, smoothing):
    onehot = F.one_hot(y).float()
    return (1 - smoothing) * onehot + smoothing / onehot.shape[1]


@right(C, "torch.full then scatter-add on the true class")
def _(y, num_classes, smoothing):
    t = torch.full((len(y), num_classes), smoothing / num_classes)
    t[torch.arange(len(y)), y] += 1 - smoothing
    return t


@right(C, "rows of the identity")
def _(y, num_classes, smoothing):
    return torch.eye(num_classes)[y] * (1 - smoothing) + smoothing / num_classes


@right(C, "scatter_ of the true-class value")
def _(y, num_classes, smoothing):
    off = smoothing / num_classes
    t = torch.full((y.shape[0], num_classes), off, dtype=torch.float32)
    return t.scatter_(1, y.view(-1, 1).long(), 1 - smoothing + off)


# ---------------------------------------------------------------- ch09 precision, recall, F1
C = "check_precision_recall_f1"


def _counts(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    return tp, fp, fn


def _ratio(a, b):
    return a / b if b > 0 else 0.0


@wrong(
    C,
    "precision and recall swapped",
    "swap|precision|recall|fp|fn",
    avoid=("harmonic", "denominator", "class 0"),
)
def _(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    return _ratio(tp, tp + fn), _ratio(tp, tp + fp), f1


@wrong(
    C,
    "F1 as the arithmetic mean",
    "harmonic|arithmetic|mean|2PR",
    avoid=("swap", "class 0"),
)
def _(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    prec, rec = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return prec, rec, (prec + rec) / 2


@wrong(
    C,
    "no zero-division guard: nan",
    "0/0|zero|denominator|nan|no positive",
    avoid=("swap", "harmonic", "class 0"),
)
def _(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    tp, fp, fn = np.float64(tp), np.float64(fp), np.float64(fn)
    with np.errstate(invalid="ignore", divide="ignore"):
        prec, rec = tp / (tp + fp), tp / (tp + fn)
        return prec, rec, 2 * prec * rec / (prec + rec)


@wrong(
    C,
    "zero denominator gives 1",
    "0/0|denominator|no positive|empty|should be 0",
    avoid=("swap", "harmonic", "class 0"),
)
def _(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return prec, rec, f1


@wrong(
    C,
    "2PR/(P+R) guarded only by tp + fp and tp + fn: nan when P = R = 0",
    "F1|0/0|both zero|denominator|nan",
    avoid=("swap", "harmonic", "class 0"),
)
def _(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    prec, rec = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.float64(2 * prec * rec) / np.float64(prec + rec)
    return prec, rec, f1


@wrong(
    C,
    "class 0 taken as the positive class",
    "class 1|positive|class 0",
    avoid=("swap", "harmonic"),
)
def _(y_true, y_pred):
    tp, fp, fn = _counts(1 - np.asarray(y_true), 1 - np.asarray(y_pred))
    return _ratio(tp, tp + fp), _ratio(tp, tp + fn), _ratio(2 * tp, 2 * tp + fp + fn)


@wrong(
    C,
    "accuracy in place of precision",
    "accuracy|precision|fp|false positive",
    avoid=("harmonic", "class 0"),
)
def _(y_true, y_pred):
    tp, _fp, fn = _counts(y_true, y_pred)
    acc = float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
    rec = _ratio(tp, tp + fn)
    return acc, rec, _ratio(2 * acc * rec, acc + rec)


@right(C, "sklearn with zero_division=0")
def _(y_true, y_pred):
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _s = precision_recall_fscore_support(
        y_true, y_pred, average="binary", pos_label=1, zero_division=0, labels=[0, 1]
    )
    return float(p), float(r), float(f)


@right(C, "a Python loop over pairs")
def _(y_true, y_pred):
    tp = fp = fn = 0
    for t, p in zip(list(y_true), list(y_pred)):
        tp += t == 1 and p == 1
        fp += t == 0 and p == 1
        fn += t == 1 and p == 0
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


# ---------------------------------------------------------------- ch09 R^2
C = "check_r2"


@wrong(C, "squared correlation", "correlation|corr|offset|scale", avoid=("1 -", "ddof"))
def _(y_true, y_pred):
    return np.corrcoef(y_true, y_pred)[0, 1] ** 2


@wrong(
    C,
    "total sum of squares around the mean of y_pred",
    "mean of y_true|y_pred|mean|ss_tot",
    avoid=("correlation", "ddof"),
)
def _(y_true, y_pred):
    ss_res = np.sum((y_true - y_pred) ** 2)
    return 1.0 - ss_res / np.sum((y_true - y_pred.mean()) ** 2)


@wrong(
    C,
    "returns ss_res / ss_tot (forgets 1 -)",
    "1 -|one minus|ratio|1 - ss",
    avoid=("correlation", "ddof"),
)
def _(y_true, y_pred):
    return np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_true.mean()) ** 2)


@wrong(
    C,
    "arguments swapped (variance of the predictions)",
    "order|swap|y_true|arguments|variance of",
    avoid=("correlation", "ddof", "1 -"),
)
def _(y_true, y_pred):
    return 1.0 - np.sum((y_true - y_pred) ** 2) / np.sum((y_pred - y_pred.mean()) ** 2)


@wrong(
    C,
    "MSE over the ddof=1 variance",
    "ddof|n - 1|mean|sum|unbiased",
    avoid=("correlation", "1 -"),
)
def _(y_true, y_pred):
    return 1.0 - np.mean((y_true - y_pred) ** 2) / np.var(y_true, ddof=1)


@wrong(
    C,
    "clamps R^2 at 0",
    "negative|clip|clamp|below 0|max",
    avoid=("correlation", "ddof"),
)
def _(y_true, y_pred):
    ss_res = np.sum((y_true - y_pred) ** 2)
    return max(0.0, 1.0 - ss_res / np.sum((y_true - y_true.mean()) ** 2))


@wrong(
    C,
    "absolute errors instead of squares",
    "square|absolute|abs",
    avoid=("correlation", "ddof"),
)
def _(y_true, y_pred):
    return 1.0 - np.sum(np.abs(y_true - y_pred)) / np.sum(np.abs(y_true - y_true.mean()))


@right(C, "1 - MSE / variance (both with 1/n)")
def _(y_true, y_pred):
    return 1.0 - np.mean((y_true - y_pred) ** 2) / np.var(y_true)


@right(C, "sklearn r2_score")
def _(y_true, y_pred):
    from sklearn.metrics import r2_score

    return float(r2_score(y_true, y_pred))


@right(C, "plain Python sums")
def _(y_true, y_pred):
    ys, ps = [float(v) for v in y_true], [float(v) for v in y_pred]
    mean = sum(ys) / len(ys)
    ss_res = sum((a - b) ** 2 for a, b in zip(ys, ps))
    ss_tot = sum((a - mean) ** 2 for a in ys)
    return 1.0 - ss_res / ss_tot


# ---------------------------------------------------------------- ch10 clip by norm
C = "check_clip_by_norm"


@wrong(
    C,
    "clips each tensor by its own norm",
    "joint|together|all gradients|total|global|each tensor",
    avoid=("clamp", "sqrt", "in place"),
)
def _(grads, max_norm):
    out = []
    for g in grads:
        norm = float(g.norm())
        out.append(g * min(1.0, max_norm / (norm + 1e-6)))
    return out


@wrong(
    C,
    "clamps every entry to [-max_norm, max_norm]",
    "clamp|clip value|entries|norm|scale",
    avoid=("each tensor", "sqrt", "in place"),
)
def _(grads, max_norm):
    return [g.clamp(-max_norm, max_norm) for g in grads]


@wrong(
    C,
    "always rescales to max_norm, even below it",
    "below|unchanged|factor|above 1|min",
    avoid=("each tensor", "sqrt", "in place"),
)
def _(grads, max_norm):
    total = torch.sqrt(sum((g**2).sum() for g in grads))
    return [g * (max_norm / (float(total) + 1e-6)) for g in grads]


@wrong(
    C,
    "squared norm (no square root)",
    "sqrt|square root|squared",
    avoid=("each tensor", "clamp", "in place"),
)
def _(grads, max_norm):
    total = sum((g**2).sum() for g in grads)
    factor = min(1.0, max_norm / (float(total) + 1e-6))
    return [g * factor for g in grads]


@wrong(
    C,
    "factor inverted: total / max_norm",
    "factor|inverse|max_norm /|ratio",
    avoid=("each tensor", "clamp", "sqrt"),
)
def _(grads, max_norm):
    total = float(torch.sqrt(sum((g**2).sum() for g in grads)))
    factor = total / max_norm if total > max_norm else 1.0
    return [g * factor for g in grads]


@wrong(
    C,
    "scales the input tensors in place",
    "in place|in-place|new list|modif|input",
    avoid=("each tensor", "clamp", "sqrt"),
)
def _(grads, max_norm):
    total = torch.sqrt(sum((g**2).sum() for g in grads))
    factor = min(1.0, max_norm / (float(total) + 1e-6))
    for g in grads:
        g.mul_(factor)
    return grads


@wrong(
    C,
    "L1 norm instead of the Euclidean norm",
    "L1|Euclidean|2-norm|sqrt|L2",
    avoid=("each tensor", "clamp", "in place"),
)
def _(grads, max_norm):
    total = float(sum(g.abs().sum() for g in grads))
    factor = min(1.0, max_norm / (total + 1e-6))
    return [g * factor for g in grads]


@right(C, "clip_grad_norm_ on parameters holding clones")
def _(grads, max_norm):
    params = []
    for g in grads:
        p = torch.nn.Parameter(torch.zeros_like(g))
        p.grad = g.detach().clone()
        params.append(p)
    torch.nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad for p in params]


@right(C, "one flat vector, no 1e-6")
def _(grads, max_norm):
    total = torch.cat([g.reshape(-1) for g in grads]).norm()
    if total <= max_norm:
        return [g.clone() for g in grads]
    return [g * (max_norm / total) for g in grads]


@right(C, "norm of the per-tensor norms")
def _(grads, max_norm):
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    factor = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    return [g * factor for g in grads]


# ---------------------------------------------------------------- ch10 max-norm
C = "check_max_norm"


@wrong(
    C,
    "column norms (dim=0)",
    "row|dim=1|column|incoming",
    avoid=("clamp", "only rows", "in place"),
)
def _(W, c):
    norms = W.norm(dim=0, keepdim=True)
    return W * torch.clamp(c / (norms + 1e-12), max=1.0)


@wrong(
    C,
    "scales every row to norm c, short ones too",
    "only|exceed|shorter|unchanged|stay",
    avoid=("column", "clamp", "in place"),
)
def _(W, c):
    return W * c / W.norm(dim=1, keepdim=True)


@wrong(
    C,
    "one Frobenius norm for the whole matrix",
    "row|each row|Frobenius|whole matrix",
    avoid=("column", "clamp", "in place"),
)
def _(W, c):
    norm = W.norm()
    return W * min(1.0, float(c / norm))


@wrong(
    C,
    "clamps the entries to [-c, c]",
    "clamp|entries|norm|scale",
    avoid=("column", "in place"),
)
def _(W, c):
    return W.clamp(-c, c)


@wrong(
    C,
    "divides by the squared norm",
    "sqrt|square|squared|norm",
    avoid=("column", "clamp", "in place"),
)
def _(W, c):
    sq = (W**2).sum(dim=1, keepdim=True)
    return W * torch.clamp(c / sq, max=1.0)


@wrong(
    C,
    "projects W in place",
    "in place|in-place|modif|input|new matrix|copy",
    avoid=("column", "clamp"),
)
def _(W, c):
    with torch.no_grad():
        W.mul_(torch.clamp(c / (W.norm(dim=1, keepdim=True) + 1e-12), max=1.0))
    return W


@wrong(C, "torch.renorm along dim 1", "row|column|dim|maxnorm", avoid=("clamp", "in place"))
def _(W, c):
    return torch.renorm(W, 2, 1, c)


@right(C, "torch.renorm(W, 2, 0, c)")
def _(W, c):
    return torch.renorm(W, 2, 0, c)


@right(C, "row loop on a clone")
def _(W, c):
    out = W.clone()
    for j in range(W.shape[0]):
        n = torch.sqrt((W[j] ** 2).sum())
        if n > c:
            out[j] = W[j] * (c / n)
    return out


@right(C, "torch.where on the row norms")
def _(W, c):
    norms = torch.linalg.norm(W, dim=1, keepdim=True)
    return torch.where(norms > c, W * c / norms, W)


# ---------------------------------------------------------------- ch10 MC dropout
C = "check_mc_predict"


@wrong(
    C,
    "model.eval() only: dropout off, std 0",
    "dropout|train|switched on|eval|on",
    avoid=("variance", "no_grad", "dim"),
)
def _(model, X, num_samples):
    model.eval()
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.std(dim=0)


@wrong(
    C,
    "model.train(): batch norm in training mode too",
    "batch norm|other layers|eval|BatchNorm",
    avoid=("variance", "no_grad", "dim"),
)
def _(model, X, num_samples):
    model.train()
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.std(dim=0)


@wrong(
    C,
    "returns the variance, not the std",
    "variance|std|standard deviation|sqrt",
    avoid=("no_grad", "dim", "batch norm"),
)
def _(model, X, num_samples):
    model.eval()
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.train()
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.var(dim=0)


@wrong(
    C,
    "mean and std over the wrong dim",
    "dim|axis|samples|first axis|shape",
    avoid=("variance", "no_grad", "batch norm"),
)
def _(model, X, num_samples):
    model.eval()
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.train()
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(num_samples)], dim=1)
    return passes.mean(dim=0), passes.std(dim=0)


@wrong(
    C,
    "computes gradients (no torch.no_grad)",
    "no_grad|gradient|grad|requires_grad",
    avoid=("variance", "dim", "batch norm"),
)
def _(model, X, num_samples):
    model.eval()
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.train()
    passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.std(dim=0)


@wrong(
    C,
    "one forward pass repeated num_samples times",
    "each pass|once|same|forward passes|std",
    avoid=("variance", "no_grad", "batch norm"),
)
def _(model, X, num_samples):
    model.eval()
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.train()
    with torch.no_grad():
        out = model(X)
        passes = torch.stack([out for _ in range(num_samples)])
    return passes.mean(dim=0), passes.std(dim=0)


@wrong(
    C,
    "returns (std, mean) from torch.std_mean",
    "order|swap|mean first|pair",
    avoid=("variance", "no_grad", "dim"),
)
def _(model, X, num_samples):
    model.eval()
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.train()
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return torch.std_mean(passes, dim=0)


@right(C, "running sums, unbiased std")
def _(model, X, num_samples):
    model.eval()
    model.apply(lambda mod: mod.train() if isinstance(mod, nn.Dropout) else None)
    with torch.no_grad():
        total = total_sq = 0
        for _ in range(num_samples):
            out = model(X)
            total = total + out.double()
            total_sq = total_sq + out.double() ** 2
        mean = total / num_samples
        var = (total_sq - num_samples * mean**2) / (num_samples - 1)
    return mean.to(out.dtype), var.clamp(min=0).sqrt().to(out.dtype)


@right(C, "inference_mode and torch.std_mean in the right order")
def _(model, X, num_samples):
    model.eval()
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.train(True)
    with torch.inference_mode():
        passes = torch.stack([model(X) for _ in range(num_samples)], dim=0)
    std, mean = torch.std_mean(passes, dim=0)
    return mean.clone(), std.clone()
