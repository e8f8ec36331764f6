"""Held-out probes, batch 4: learners' answers to the 21 exercises.

Written on 2026-12-07 from the exercise statements in ``book/*.md`` only (the solution
code of each chapter was used to verify numerically that every wrong answer differs and
every right answer agrees), never from the checks' mistake tables, and never run against
the checks before it was measured. The wrong answers favour the slips of a tired learner:
two conventions mixed, an extra mean, a transposed matrix, a tuple in the wrong order,
an input changed in place, a seed fixed inside a loop.

Measured once by the lead (10:45, main 77e347e, after the feedback work of 2026-12-07
had landed and before anyone had read this batch): 145 wrong answers, 144 rejected,
126 messages naming the mistake (88 %), 14 generic, 4 flagged misleading, 1 accepted;
57 of 57 right answers accepted; no crash. Read one by one: each of the 4 "misleading"
messages names the actual mistake and the flag came from an ``avoid`` word inside the
rule the message states, so those lists were narrowed (l2_update with λ/m²: ``sign``,
and ``in place``, which the message uses in "lam/m in place of lam"; dropout penalty
with cross terms: ``keep``; batch norm over dim 0 and with N − 1: ``momentum``).
After narrowing: 144 wrong (one re-filed right), 144 rejected, 130 named (90 %),
14 generic, 0 misleading; 58 of 58 right accepted. The accepted answer updates the
running statistics in place and returns them, which the exercise allows ("updated as
``nn.BatchNorm1d`` updates them"): it is filed as right. No answer and no ``expect``
list was changed.
"""

# ruff: noqa: E731, N803, N806

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .core import Batch

B = Batch()
wrong, right = B.wrong, B.right


# --------------------------------------------------------------------------------------
# ch01: design_matrix(x, degree)
# --------------------------------------------------------------------------------------


@wrong(
    "check_polynomial_features",
    "np.vander without increasing=True: columns in decreasing powers",
    "order|reversed|decreasing|increasing|highest",
    avoid=("transpose",),
)
def poly_vander_decreasing(x, degree):
    return np.vander(np.asarray(x, dtype=float), degree + 1)


@wrong(
    "check_polynomial_features",
    "range(degree): the column of x**degree is missing",
    "degree + 1|d + 1|column|too few|missing",
    avoid=("transpose", "reversed"),
)
def poly_range_off_by_one(x, degree):
    x = np.asarray(x, dtype=float)
    return np.column_stack([np.ones_like(x)] + [x**j for j in range(1, degree)])


@wrong(
    "check_polynomial_features",
    "exponents from 1 to degree + 1: no column of ones",
    "column 0|ones|constant|x**0|intercept|x^0",
    avoid=("transpose",),
)
def poly_no_ones(x, degree):
    x = np.asarray(x, dtype=float)
    return x[:, None] ** np.arange(1, degree + 2)


@wrong(
    "check_polynomial_features",
    "x[None, :] ** exponents[:, None]: the (d + 1) x n transpose",
    "transpose|shape|rows|.T",
    avoid=("reversed", "factorial"),
)
def poly_transposed(x, degree):
    x = np.asarray(x, dtype=float)
    return x[None, :] ** np.arange(degree + 1)[:, None]


@wrong(
    "check_polynomial_features",
    "multiplies x by j instead of raising it to the power j",
    "power|x**|multipl|times|x^j",
    avoid=("transpose",),
)
def poly_multiply(x, degree):
    x = np.asarray(x, dtype=float)
    return x[:, None] * np.arange(degree + 1)


@wrong(
    "check_polynomial_features",
    "divides column j by j! (a Taylor habit)",
    "factorial|scale|scaled|divid|normali",
    avoid=("transpose", "order"),
)
def poly_factorial(x, degree):
    from math import factorial

    x = np.asarray(x, dtype=float)
    return np.stack([x**j / factorial(j) for j in range(degree + 1)], axis=1)


@wrong(
    "check_polynomial_features",
    "standardizes every column but the first (like a preprocessing pipeline)",
    "standardi|scale|normali|mean|centred|centered",
    avoid=("transpose", "order"),
)
def poly_standardized(x, degree):
    x = np.asarray(x, dtype=float)
    D = x[:, None] ** np.arange(degree + 1)
    D[:, 1:] = (D[:, 1:] - D[:, 1:].mean(axis=0)) / (D[:, 1:].std(axis=0) + 1e-12)
    return D


@right("check_polynomial_features", "np.vander with increasing=True")
def poly_vander_ok(x, degree):
    return np.vander(np.asarray(x, dtype=float), degree + 1, increasing=True)


@right("check_polynomial_features", "cumulative product of columns in a loop")
def poly_cumprod_ok(x, degree):
    x = np.asarray(x, dtype=float)
    cols = [np.ones_like(x)]
    for _ in range(degree):
        cols.append(cols[-1] * x)
    return np.column_stack(cols)


@right("check_polynomial_features", "numpy.polynomial.polynomial.polyvander")
def poly_polyvander_ok(x, degree):
    return np.polynomial.polynomial.polyvander(np.asarray(x, dtype=float), degree)


# --------------------------------------------------------------------------------------
# ch01: estimate_bias_variance(predictions, truth)
# --------------------------------------------------------------------------------------


@wrong(
    "check_bias_variance",
    "variance with ddof=1 next to the plug-in squared bias",
    "ddof|unbiased|n - 1|R - 1|plug-in",
    avoid=("swap", "transpose"),
)
def bv_ddof1(predictions, truth):
    mean_fit = predictions.mean(axis=0)
    return np.mean((mean_fit - truth) ** 2), np.mean(predictions.var(axis=0, ddof=1))


@wrong(
    "check_bias_variance",
    "variance across test inputs (axis=1) instead of across training sets",
    "axis|training sets|across|rows|columns",
    avoid=("swap", "sqrt"),
)
def bv_var_axis1(predictions, truth):
    mean_fit = predictions.mean(axis=0)
    return np.mean((mean_fit - truth) ** 2), np.mean(predictions.var(axis=1))


@wrong(
    "check_bias_variance",
    "averages the error before squaring it: (mean(f_bar - f))**2",
    "before|after averag|square each|point by point|squared error",
    avoid=("ddof", "swap"),
)
def bv_square_after_mean(predictions, truth):
    mean_fit = predictions.mean(axis=0)
    return np.mean(mean_fit - truth) ** 2, np.mean(predictions.var(axis=0))


@wrong(
    "check_bias_variance",
    "returns (variance, bias2): the pair in the wrong order",
    "order|swap|exchang|(bias2, variance)|other way",
    avoid=("ddof", "sqrt"),
)
def bv_swapped(predictions, truth):
    mean_fit = predictions.mean(axis=0)
    return np.mean(predictions.var(axis=0)), np.mean((mean_fit - truth) ** 2)


@wrong(
    "check_bias_variance",
    "standard deviation instead of variance",
    "std|standard deviation|square root|sqrt|squared",
    avoid=("ddof", "swap"),
)
def bv_std(predictions, truth):
    mean_fit = predictions.mean(axis=0)
    return np.mean((mean_fit - truth) ** 2), np.mean(predictions.std(axis=0))


@wrong(
    "check_bias_variance",
    "the variance measured around the truth instead of around the mean fit",
    "truth|mean fit|f_bar|around|mse|expected error",
    avoid=("ddof", "swap"),
)
def bv_var_around_truth(predictions, truth):
    mean_fit = predictions.mean(axis=0)
    return np.mean((mean_fit - truth) ** 2), np.mean((predictions - truth) ** 2)


@wrong(
    "check_bias_variance",
    "the corrected pair (bias2 - s^2/R, ddof=1 variance) instead of the plug-in pair",
    "plug-in|ddof|corrected|unbiased",
    avoid=("sqrt", "swap"),
)
def bv_corrected_pair(predictions, truth):
    R = predictions.shape[0]
    mean_fit = predictions.mean(axis=0)
    s2 = predictions.var(axis=0, ddof=1)
    return np.mean((mean_fit - truth) ** 2 - s2 / R), np.mean(s2)


@right(
    "check_bias_variance",
    "bias2 from the decomposition: mean squared error minus variance",
)
def bv_identity_ok(predictions, truth):
    variance = float(np.mean(predictions.var(axis=0)))
    mse = float(np.mean((predictions - truth[None, :]) ** 2))
    return mse - variance, variance


@right("check_bias_variance", "explicit loops over test inputs and training sets")
def bv_loops_ok(predictions, truth):
    R, T = predictions.shape
    b2 = var = 0.0
    for j in range(T):
        col = [float(predictions[r, j]) for r in range(R)]
        mu = sum(col) / R
        b2 += (mu - float(truth[j])) ** 2
        var += sum((c - mu) ** 2 for c in col) / R
    return b2 / T, var / T


@right("check_bias_variance", "centred predictions, squared and averaged over everything")
def bv_centred_ok(predictions, truth):
    centred = predictions - predictions.mean(axis=0, keepdims=True)
    return float(((predictions.mean(axis=0) - truth) ** 2).mean()), float((centred**2).mean())


# --------------------------------------------------------------------------------------
# ch02: my_backward(X, Y, params) with tanh
# --------------------------------------------------------------------------------------


def _forward(X, params):
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.tanh(Z1)
    Y_hat = 1.0 / (1.0 + np.exp(-(params["W2"] @ A1 + params["b2"])))
    return Z1, A1, Y_hat


def _grads(d1, d2, X, A1):
    return {
        "W1": d1 @ X.T,
        "b1": d1.sum(axis=1, keepdims=True),
        "W2": d2 @ A1.T,
        "b2": d2.sum(axis=1, keepdims=True),
    }


@wrong(
    "check_tanh_backward",
    "1 - Z1**2: squares the pre-activation instead of tanh(Z1)",
    "pre-activation|Z1|Z^{(1)}|instead of A|tanh(z)",
    avoid=("1/m", "transpose"),
)
def tb_z_squared(X, Y, params):
    Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y_hat - Y) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (1.0 - Z1**2)
    return _grads(d1, d2, X, A1)


@wrong(
    "check_tanh_backward",
    "keeps the ReLU mask (Z1 > 0) from the chapter",
    "mask|relu|Z1 > 0|0/1",
    avoid=("1/m", "transpose"),
)
def tb_relu_mask(X, Y, params):
    Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y_hat - Y) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (Z1 > 0)
    return _grads(d1, d2, X, A1)


@wrong(
    "check_tanh_backward",
    "applies tanh twice: 1 - tanh(A1)**2",
    "twice|tanh(a|1 - a|derivative",
    avoid=("1/m", "transpose", "relu"),
)
def tb_tanh_twice(X, Y, params):
    Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y_hat - Y) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (1.0 - np.tanh(A1) ** 2)
    return _grads(d1, d2, X, A1)


@wrong(
    "check_tanh_backward",
    "W1 gradient as X @ d1.T: the transpose of the right matrix",
    "transpose|.T|W1",
    avoid=("relu", "1/m"),
)
def tb_w1_transposed(X, Y, params):
    Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y_hat - Y) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (1.0 - A1**2)
    grads = _grads(d1, d2, X, A1)
    grads["W1"] = X @ d1.T
    return grads


@wrong(
    "check_tanh_backward",
    "biases averaged as well: the 1/m applied a second time",
    "1/m|mean|average|twice|divid",
    avoid=("transpose", "relu"),
)
def tb_bias_mean_twice(X, Y, params):
    Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y_hat - Y) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (1.0 - A1**2)
    grads = _grads(d1, d2, X, A1)
    grads["b1"] = d1.mean(axis=1, keepdims=True)
    grads["b2"] = d2.mean(axis=1, keepdims=True)
    return grads


@wrong(
    "check_tanh_backward",
    "(Y - Y_hat): every gradient with the wrong sign",
    "sign|Y - Y_hat|negative|opposite|ascent",
    avoid=("relu", "1/m", "transpose"),
)
def tb_sign(X, Y, params):
    Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y - Y_hat) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (1.0 - A1**2)
    return _grads(d1, d2, X, A1)


@wrong(
    "check_tanh_backward",
    "(1 - A1)**2 instead of 1 - A1**2",
    "(1 - a|bracket|parenthes|1 - a**2|1 - a²",
    avoid=("relu", "1/m", "transpose"),
)
def tb_bracket(X, Y, params):
    Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y_hat - Y) / X.shape[1]
    d1 = (params["W2"].T @ d2) * (1.0 - A1) ** 2
    return _grads(d1, d2, X, A1)


@right("check_tanh_backward", "sech^2 via 1 / cosh(Z1)**2")
def tb_sech_ok(X, Y, params):
    Z1, A1, Y_hat = _forward(X, params)
    d2 = (Y_hat - Y) / X.shape[1]
    d1 = (params["W2"].T @ d2) / np.cosh(Z1) ** 2
    return _grads(d1, d2, X, A1)


@right("check_tanh_backward", "einsum, and the sigmoid written with tanh")
def tb_einsum_ok(X, Y, params):
    m = X.shape[1]
    A1 = np.tanh(np.einsum("ij,jm->im", params["W1"], X) + params["b1"])
    Y_hat = 0.5 * (1.0 + np.tanh(0.5 * (params["W2"] @ A1 + params["b2"])))
    d2 = (Y_hat - Y) / m
    d1 = np.einsum("oi,om->im", params["W2"], d2) * (1.0 - A1 * A1)
    return {
        "W1": np.einsum("im,jm->ij", d1, X),
        "b1": np.sum(d1, axis=1).reshape(-1, 1),
        "W2": np.einsum("om,im->oi", d2, A1),
        "b2": np.sum(d2).reshape(1, 1),
    }


@right("check_tanh_backward", "a loop over examples, gradients accumulated")
def tb_loop_ok(X, Y, params):
    m = X.shape[1]
    g = {k: np.zeros_like(v, dtype=float) for k, v in params.items()}
    for i in range(m):
        x = X[:, i : i + 1]
        a1 = np.tanh(params["W1"] @ x + params["b1"])
        yh = 1.0 / (1.0 + np.exp(-(params["W2"] @ a1 + params["b2"])))
        d2 = yh - Y[:, i : i + 1]
        d1 = params["W2"].T @ d2 * (1 - a1**2)
        g["W1"] += d1 @ x.T
        g["b1"] += d1
        g["W2"] += d2 @ a1.T
        g["b2"] += d2
    return {k: v / m for k, v in g.items()}


# --------------------------------------------------------------------------------------
# ch02: l2_update(W, grad_W, lr, lam, m)
# --------------------------------------------------------------------------------------


@wrong(
    "check_l2_update",
    "2 * lam / m: the penalty differentiated as if it had no 1/2",
    "factor 2|twice|2λ|2 *|1/2|half|2 lam",
    avoid=("in place", "sign"),
)
def l2_factor2(W, grad_W, lr, lam, m):
    return W - lr * (grad_W + 2 * lam / m * W)


@wrong(
    "check_l2_update",
    "W -= ...: updates the caller's matrix in place",
    "in place|in-place|changed|modif|mutat|copy",
    avoid=("factor 2", "sign"),
)
def l2_inplace(W, grad_W, lr, lam, m):
    W -= lr * (grad_W + lam / m * W)
    return W


@wrong(
    "check_l2_update",
    "lam / (2 * m): keeps the 1/2 of the penalty in its gradient",
    "1/2|half|factor|2m|2 m",
    avoid=("in place", "sign"),
)
def l2_half(W, grad_W, lr, lam, m):
    return W - lr * (grad_W + lam / (2 * m) * W)


@wrong(
    "check_l2_update",
    "decay after the data step: (1 - lr lam/m) (W - lr grad)",
    "order|after|before",
    avoid=("in place", "sign"),
)
def l2_decay_after(W, grad_W, lr, lam, m):
    return (1 - lr * lam / m) * (W - lr * grad_W)


@wrong(
    "check_l2_update",
    "lam / m**2: the 1/m written twice",
    "1/m|/m|m**2|m²|divid|twice",
    avoid=("factor 2",),
)
def l2_m_squared(W, grad_W, lr, lam, m):
    return W - lr * (grad_W + lam / m**2 * W)


@wrong(
    "check_l2_update",
    "the penalty term added instead of subtracted: W - lr*grad + lr*lam/m*W",
    "sign|grows|plus|minus|added",
    avoid=("in place", "factor 2"),
)
def l2_sign(W, grad_W, lr, lam, m):
    return W - lr * grad_W + lr * lam / m * W


@right("check_l2_update", "decay form (1 - lr lam/m) W - lr grad")
def l2_decay_form_ok(W, grad_W, lr, lam, m):
    return (1 - lr * lam / m) * W - lr * grad_W


@right("check_l2_update", "copy first, then update the copy in place")
def l2_copy_ok(W, grad_W, lr, lam, m):
    out = np.array(W, dtype=float, copy=True)
    out *= 1 - lr * lam / m
    out -= lr * np.asarray(grad_W)
    return out


@right("check_l2_update", "np.subtract and np.multiply")
def l2_ufuncs_ok(W, grad_W, lr, lam, m):
    return np.subtract(W, np.multiply(lr, np.add(grad_W, np.multiply(lam / m, W))))


# --------------------------------------------------------------------------------------
# ch03: penalty_gradient(w, lam1, lam2)
# --------------------------------------------------------------------------------------


@wrong(
    "check_penalty_gradient",
    "lam2 * w: the factor 2 of the square forgotten",
    "factor 2|2 *|twice|2λ|2 lam|half",
    avoid=("sign", "subgradient"),
)
def pg_no_two(w, lam1, lam2):
    return lam1 * np.sign(w) + lam2 * w


@wrong(
    "check_penalty_gradient",
    "np.where(w >= 0, 1, -1): slope +lam1 at 0",
    "at 0|zero|w = 0|subgradient|w=0",
    avoid=("factor 2",),
)
def pg_where_ge(w, lam1, lam2):
    return lam1 * np.where(w >= 0, 1.0, -1.0) + 2 * lam2 * w


@wrong(
    "check_penalty_gradient",
    "lam1 and lam2 exchanged",
    "swap|exchang|roles|the other",
    avoid=("subgradient",),
)
def pg_swapped(w, lam1, lam2):
    return lam2 * np.sign(w) + 2 * lam1 * w


@wrong(
    "check_penalty_gradient",
    "L1 part as lam1 * w (treats |w| like a square)",
    "sign|abs|subgradient|l1 part|sign(w)",
    avoid=("factor 2",),
)
def pg_l1_linear(w, lam1, lam2):
    return lam1 * w + 2 * lam2 * w


@wrong(
    "check_penalty_gradient",
    "w / |w| for the sign: nan at w = 0",
    "nan|at 0|zero|w = 0|divid|w=0",
    avoid=("factor 2",),
)
def pg_nan(w, lam1, lam2):
    with np.errstate(divide="ignore", invalid="ignore"):
        return lam1 * w / np.abs(w) + 2 * lam2 * w


@wrong(
    "check_penalty_gradient",
    "sums the gradient into one number",
    "shape|scalar|one number|array|entry",
    avoid=("factor 2", "subgradient"),
)
def pg_summed(w, lam1, lam2):
    return float(np.sum(lam1 * np.sign(w) + 2 * lam2 * w))


@wrong(
    "check_penalty_gradient",
    "returns the penalty itself, not its gradient",
    "value|itself|derivative|not the gradient",
    avoid=("factor 2",),
)
def pg_value(w, lam1, lam2):
    return lam1 * np.abs(w) + lam2 * w**2


@right("check_penalty_gradient", "sign from two comparisons")
def pg_compare_ok(w, lam1, lam2):
    w = np.asarray(w, dtype=float)
    return lam1 * ((w > 0).astype(float) - (w < 0).astype(float)) + 2.0 * lam2 * w


@right("check_penalty_gradient", "np.select with an explicit 0 at 0")
def pg_select_ok(w, lam1, lam2):
    w = np.asarray(w, dtype=float)
    l1 = np.select([w > 0, w < 0], [lam1, -lam1], default=0.0)
    return l1 + lam2 * (w + w)


@right("check_penalty_gradient", "torch autograd on a copy")
def pg_autograd_ok(w, lam1, lam2):
    t = torch.tensor(np.asarray(w, dtype=float), requires_grad=True)
    (lam1 * t.abs().sum() + lam2 * (t**2).sum()).backward()
    return t.grad.numpy()


# --------------------------------------------------------------------------------------
# ch03: my_soft_threshold(v, t)
# --------------------------------------------------------------------------------------


@wrong(
    "check_soft_threshold",
    "hard threshold: zero inside, unchanged outside",
    "hard|unchanged|shrink|subtract|by t",
    avoid=("ridge", "clamp"),
)
def st_hard(v, t):
    return np.where(np.abs(v) > t, v, 0.0)


@wrong(
    "check_soft_threshold",
    "v - t sign(v) without the max: small entries cross zero",
    "max|cross|zero|clip|sign flip|subgradient",
    avoid=("hard",),
)
def st_no_max(v, t):
    return v - t * np.sign(v)


@wrong(
    "check_soft_threshold",
    "np.maximum(v - t, 0): a ReLU, negative entries lost",
    "negative|sign|symmetr|abs|relu",
    avoid=("hard",),
)
def st_relu(v, t):
    return np.maximum(v - t, 0.0)


@wrong(
    "check_soft_threshold",
    "np.clip(v, -t, t): clamps instead of shrinking",
    "clip|clamp|shrink|subtract",
    avoid=("hard",),
)
def st_clip(v, t):
    return np.clip(v, -t, t)


@wrong(
    "check_soft_threshold",
    "threshold t / 2 (the 1/2 of the quadratic moved onto t)",
    "factor|t/2|half|1/2|threshold",
    avoid=("hard", "ridge"),
)
def st_half(v, t):
    return np.sign(v) * np.maximum(np.abs(v) - t / 2, 0.0)


@wrong(
    "check_soft_threshold",
    "v / (1 + t): the ridge proximal map",
    "ridge|l2|exactly zero|proportional|divid",
    avoid=("hard",),
)
def st_ridge(v, t):
    return v / (1.0 + t)


@wrong(
    "check_soft_threshold",
    "shrinks v in place and returns it",
    "in place|in-place|changed|modif|copy|mutat",
    avoid=("hard",),
)
def st_inplace(v, t):
    v[...] = np.sign(v) * np.maximum(np.abs(v) - t, 0.0)
    return v


@right("check_soft_threshold", "v - clip(v, -t, t)")
def st_clip_ok(v, t):
    return v - np.clip(v, -t, t)


@right("check_soft_threshold", "difference of two ReLUs")
def st_relus_ok(v, t):
    return np.maximum(v - t, 0.0) - np.maximum(-v - t, 0.0)


@right("check_soft_threshold", "three cases with np.where")
def st_where_ok(v, t):
    v = np.asarray(v, dtype=float)
    return np.where(v > t, v - t, np.where(v < -t, v + t, 0.0))


# --------------------------------------------------------------------------------------
# ch04: decay_step(w, b, grad_w, grad_b, lr, lam, n)
# --------------------------------------------------------------------------------------


@wrong(
    "check_decay_step",
    "the bias decayed as well",
    "bias|b_new|biases",
    avoid=("1/n", "in place", "order"),
)
def ds_decay_bias(w, b, grad_w, grad_b, lr, lam, n):
    f = 1 - lr * lam / n
    return f * w - lr * grad_w, f * b - lr * grad_b


@wrong(
    "check_decay_step",
    "1 - lr * lam: the 1/n forgotten",
    "1/n|/ n|/n|divid|number of examples",
    avoid=("bias", "in place"),
)
def ds_no_n(w, b, grad_w, grad_b, lr, lam, n):
    return (1 - lr * lam) * w - lr * grad_w, b - lr * grad_b


@wrong(
    "check_decay_step",
    "returns (b_new, w_new)",
    "order|swap|exchang|(w_new, b_new)|pair",
    avoid=("1/n", "in place"),
)
def ds_swapped(w, b, grad_w, grad_b, lr, lam, n):
    return b - lr * grad_b, (1 - lr * lam / n) * w - lr * grad_w


@wrong(
    "check_decay_step",
    "w *= ...; w -= ...: the input arrays updated in place",
    "in place|in-place|changed|modif|copy|mutat",
    avoid=("1/n", "bias"),
)
def ds_inplace(w, b, grad_w, grad_b, lr, lam, n):
    w *= 1 - lr * lam / n
    w -= lr * grad_w
    b -= lr * grad_b
    return w, b


@wrong(
    "check_decay_step",
    "factor 1 - lam / n without the learning rate",
    "learning rate|η|lr *|lr*|eta *",
    avoid=("bias", "in place"),
)
def ds_no_lr(w, b, grad_w, grad_b, lr, lam, n):
    return (1 - lam / n) * w - lr * grad_w, b - lr * grad_b


@wrong(
    "check_decay_step",
    "the decay applied after the data step",
    "order|after|before",
    avoid=("bias", "in place"),
)
def ds_after(w, b, grad_w, grad_b, lr, lam, n):
    return (1 - lr * lam / n) * (w - lr * grad_w), b - lr * grad_b


@wrong(
    "check_decay_step",
    "lam / (2 n) in the factor: the 1/2 of the penalty kept",
    "1/2|half|factor 2|2n|twice",
    avoid=("bias", "in place"),
)
def ds_half(w, b, grad_w, grad_b, lr, lam, n):
    return (1 - lr * lam / (2 * n)) * w - lr * grad_w, b - lr * grad_b


@right("check_decay_step", "gradient form w - lr (grad_w + lam/n w)")
def ds_grad_form_ok(w, b, grad_w, grad_b, lr, lam, n):
    return w - lr * (grad_w + (lam / n) * w), b - lr * grad_b


@right("check_decay_step", "copies updated in place")
def ds_copy_ok(w, b, grad_w, grad_b, lr, lam, n):
    w2, b2 = np.array(w, dtype=float), np.array(b, dtype=float)
    w2 *= 1.0 - lr * lam / n
    w2 -= lr * grad_w
    b2 -= lr * grad_b
    return w2, b2


@right("check_decay_step", "returns a list [w_new, b_new]")
def ds_list_ok(w, b, grad_w, grad_b, lr, lam, n):
    shrink = lr * lam / n
    return [w - shrink * w - lr * grad_w, b - lr * grad_b]


# --------------------------------------------------------------------------------------
# ch04: my_adam_l2(w, grad, m, v, t, lr, weight_decay, ...)
# --------------------------------------------------------------------------------------


@wrong(
    "check_adam_l2_step",
    "AdamW: the decay decoupled from the moments",
    "adamw|decoupled|moment|moving average|penalized gradient",
    avoid=("bias correction", "order"),
)
def adam_decoupled(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    w = w * (1 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@wrong(
    "check_adam_l2_step",
    "no bias correction",
    "bias correction|bias-correct|1 - beta|m_hat|corrected",
    avoid=("adamw", "decoupled", "epsilon"),
)
def adam_no_correction(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = grad + weight_decay * w
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return w - lr * m / (np.sqrt(v) + eps), m, v


@wrong(
    "check_adam_l2_step",
    "bias correction with beta**(t + 1): t counted from 0",
    "step|count|off by one|t + 1|t+1|bias correction",
    avoid=("adamw", "decoupled", "epsilon"),
)
def adam_t_plus_one(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = grad + weight_decay * w
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@wrong(
    "check_adam_l2_step",
    "v's bias correction outside the square root: sqrt(v) / (1 - beta2**t)",
    "sqrt|square root|v_hat|bias correction|outside",
    avoid=("adamw", "decoupled", "order"),
)
def adam_vhat_outside_sqrt(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = grad + weight_decay * w
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    return w - lr * m_hat / (np.sqrt(v) / (1 - beta2**t) + eps), m, v


@wrong(
    "check_adam_l2_step",
    "returns the bias-corrected m_hat and v_hat instead of m and v",
    "m_hat|v_hat|corrected|moment|state",
    avoid=("adamw", "decoupled", "epsilon"),
)
def adam_returns_hats(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = grad + weight_decay * w
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


@wrong(
    "check_adam_l2_step",
    "returns (w, v, m)",
    "order|swap|exchang|(w, m, v)",
    avoid=("adamw", "epsilon", "bias correction"),
)
def adam_order(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = grad + weight_decay * w
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), v, m


@wrong(
    "check_adam_l2_step",
    "penalty added to the first moment only; v sees the data gradient",
    "second moment|squared gradient|v_t|both moments|penalized gradient",
    avoid=("adamw", "eps", "order"),
)
def adam_v_raw(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    g = grad + weight_decay * w
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@right(
    "check_adam_l2_step",
    "step size folded into alpha_t with eps_hat (Kingma & Ba, sec. 2)",
)
def adam_alpha_t_ok(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    g = grad + weight_decay * w
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g * g
    c2 = np.sqrt(1 - beta2**t)
    alpha_t = lr * c2 / (1 - beta1**t)
    return w - alpha_t * m_new / (np.sqrt(v_new) + eps * c2), m_new, v_new


@right("check_adam_l2_step", "np.add / np.multiply on copies, no reassignment of inputs")
def adam_copies_ok(w, grad, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    g = np.add(grad, weight_decay * np.asarray(w))
    m2 = np.array(m, dtype=float)
    m2 *= beta1
    m2 += (1 - beta1) * g
    v2 = np.array(v, dtype=float)
    v2 *= beta2
    v2 += (1 - beta2) * np.square(g)
    denom = np.sqrt(v2 / (1 - beta2**t)) + eps
    return w - lr * (m2 / (1 - beta1**t)) / denom, m2, v2


# --------------------------------------------------------------------------------------
# ch05: keep_prob_dropout(x, q, training, generator), called with q = 1 - p
# --------------------------------------------------------------------------------------


def _in_drop_convention(keep_fn):
    """The notebook's wrapper: the check passes p, the learner's function takes q."""

    def in_drop_convention(x, p, training, generator):
        return keep_fn(x, 1 - p, training, generator)

    return in_drop_convention


@wrong(
    "check_inverted_dropout",
    "divides the survivors by 1 - q (the drop probability)",
    "divid|scale|1 - p|keep probability|expected",
    avoid=("in place", "generator"),
)
@_in_drop_convention
def dr_divide_drop(x, q, training, generator):
    if training and q < 1:
        kept = (torch.rand(x.shape, generator=generator) < q).to(x.dtype)
        return x * kept / (1 - q)
    return x


@wrong(
    "check_inverted_dropout",
    "multiplies the survivors by q instead of dividing",
    "divid|scale|multipl|1/(1 - p)|expected",
    avoid=("in place", "generator"),
)
@_in_drop_convention
def dr_multiply(x, q, training, generator):
    if training and q < 1:
        kept = (torch.rand(x.shape, generator=generator) < q).to(x.dtype)
        return x * kept * q
    return x


@wrong(
    "check_inverted_dropout",
    "no rescaling at all (plain dropout in training)",
    "scale|divid|expected|inverted|1/(1 - p)",
    avoid=("in place", "generator"),
)
@_in_drop_convention
def dr_no_scale(x, q, training, generator):
    if training:
        return x * (torch.rand(x.shape, generator=generator) < q).to(x.dtype)
    return x


@wrong(
    "check_inverted_dropout",
    "ignores training: drops units in eval mode too",
    "eval|training=False|unchanged|mode",
    avoid=("in place",),
)
@_in_drop_convention
def dr_always(x, q, training, generator):
    kept = (torch.rand(x.shape, generator=generator) < q).to(x.dtype)
    return x * kept / q


@wrong(
    "check_inverted_dropout",
    "eval mode scaled by q (the original, non-inverted test-time rule)",
    "eval|unchanged|training=False|scale",
    avoid=("in place",),
)
@_in_drop_convention
def dr_eval_scaled(x, q, training, generator):
    if training:
        kept = (torch.rand(x.shape, generator=generator) < q).to(x.dtype)
        return x * kept / q
    return x * q


@wrong(
    "check_inverted_dropout",
    "torch.rand_like(x): the generator not used",
    "generator|random|seed|draw|mask",
    avoid=("in place",),
)
@_in_drop_convention
def dr_no_generator(x, q, training, generator):
    if training and q < 1:
        kept = (torch.rand_like(x) < q).to(x.dtype)
        return x * kept / q
    return x


@wrong(
    "check_inverted_dropout",
    "x.mul_(mask).div_(q): changes the caller's tensor",
    "in place|in-place|changed|modif|copy|mutat",
    avoid=("eval mode", "generator"),
)
@_in_drop_convention
def dr_inplace(x, q, training, generator):
    if training and q < 1:
        kept = (torch.rand(x.shape, generator=generator) < q).to(x.dtype)
        return x.mul_(kept).div_(q)
    return x


@right("check_inverted_dropout", "torch.where with the same draws")
@_in_drop_convention
def dr_where_ok(x, q, training, generator):
    if not training or q >= 1:
        return x
    u = torch.rand(x.shape, generator=generator)
    return torch.where(u < q, x / q, torch.zeros_like(x))


@right("check_inverted_dropout", "boolean mask multiplied, scale by 1/q computed first")
@_in_drop_convention
def dr_scale_first_ok(x, q, training, generator):
    if training and q != 1:
        scale = 1.0 / q
        mask = torch.rand(x.shape, generator=generator).lt(q)
        return x.mul(mask) * scale
    return x.clone()


# --------------------------------------------------------------------------------------
# ch05: dropout_penalty(X, w, p)
# --------------------------------------------------------------------------------------


@wrong(
    "check_dropout_penalty",
    "p instead of p / (1 - p)",
    "p / (1 - p)|1 - p|variance|factor",
    avoid=("cross term", "examples"),
)
def dp_p_only(X, w, p):
    return p * np.sum(w**2 * np.mean(X**2, axis=0))


@wrong(
    "check_dropout_penalty",
    "(1 - p) / p: keep and drop probabilities mixed up",
    "p / (1 - p)|1 - p|keep|drop|invert",
    avoid=("cross term", "examples"),
)
def dp_inverted_ratio(X, w, p):
    return (1 - p) / p * np.sum(w**2 * np.mean(X**2, axis=0))


@wrong(
    "check_dropout_penalty",
    "sum over examples instead of the mean",
    "mean|average|sum over examples|examples|1/n",
    avoid=("keep", "cross"),
)
def dp_sum_examples(X, w, p):
    return p / (1 - p) * np.sum(w**2 * np.sum(X**2, axis=0))


@wrong(
    "check_dropout_penalty",
    "square of the mean of each feature instead of the mean of its square",
    "mean square|square|mean of|x_ij^2|second moment",
    avoid=("keep", "cross"),
)
def dp_square_of_mean(X, w, p):
    return p / (1 - p) * np.sum(w**2 * np.mean(X, axis=0) ** 2)


@wrong(
    "check_dropout_penalty",
    "mean squared prediction (X w)**2: cross terms included",
    "cross|(Xw)^2|prediction|per feature|diagonal",
)
def dp_prediction_squared(X, w, p):
    return p / (1 - p) * np.mean((X @ w) ** 2)


@wrong(
    "check_dropout_penalty",
    "one overall mean of X**2 instead of one per feature",
    "feature|per feature|axis|each column|column",
    avoid=("keep", "cross"),
)
def dp_global_mean(X, w, p):
    return p / (1 - p) * np.sum(w**2) * np.mean(X**2)


@wrong(
    "check_dropout_penalty",
    "p (1 - p): the variance of an unscaled mask",
    "p / (1 - p)|scale|inverted|variance|1 - p",
    avoid=("cross", "examples"),
)
def dp_unscaled_variance(X, w, p):
    return p * (1 - p) * np.sum(w**2 * np.mean(X**2, axis=0))


@right("check_dropout_penalty", "einsum over examples and features, divided by n")
def dp_einsum_ok(X, w, p):
    return p / (1 - p) * np.einsum("ij,j->", X**2, w**2) / X.shape[0]


@right("check_dropout_penalty", "quadratic form with the diagonal of X^T X / n")
def dp_diag_ok(X, w, p):
    D = np.diag(np.diag(X.T @ X)) / X.shape[0]
    return float(p / (1 - p) * w @ D @ w)


@right("check_dropout_penalty", "loop over features")
def dp_loop_ok(X, w, p):
    total = 0.0
    for j in range(X.shape[1]):
        total += w[j] ** 2 * float(np.mean(X[:, j] ** 2))
    return total * p / (1.0 - p)


# --------------------------------------------------------------------------------------
# ch06: batch_norm_step(x, running_mean, running_var, training, momentum, eps)
# --------------------------------------------------------------------------------------


def _bn_train(
    x,
    running_mean,
    running_var,
    momentum,
    eps,
    *,
    dims=(0, 2),
    count=None,
    run_unbiased=True,
    swap_momentum=False,
    eps_out=False,
):
    count = count if count is not None else x.shape[0] * x.shape[2]
    mean = x.mean(dim=dims)
    biased = x.var(dim=dims, unbiased=False)
    var_fwd = biased
    shape = (1, -1, 1) if dims == (0, 2) else (1, x.shape[1], x.shape[2])
    if eps_out:
        y = (x - mean.reshape(shape)) / (torch.sqrt(var_fwd.reshape(shape)) + eps)
    else:
        y = (x - mean.reshape(shape)) / torch.sqrt(var_fwd.reshape(shape) + eps)
    var_run = biased * count / (count - 1) if run_unbiased else biased
    if dims != (0, 2):
        mean, var_run = mean.mean(dim=-1), var_run.mean(dim=-1)
    a, b = (momentum, 1 - momentum) if swap_momentum else (1 - momentum, momentum)
    return y, a * running_mean + b * mean, a * running_var + b * var_run


def _bn_eval(x, running_mean, running_var, eps):
    y = (x - running_mean[:, None]) / torch.sqrt(running_var[:, None] + eps)
    return y, running_mean, running_var


@wrong(
    "check_batch_norm_step",
    "statistics over the batch only (dim=0), one per channel and position",
    "dim|axis|length|(0, 2)|positions|N * L",
    avoid=("square root",),
)
def bn_dim0(x, running_mean, running_var, training, momentum, eps):
    if not training:
        return _bn_eval(x, running_mean, running_var, eps)
    return _bn_train(x, running_mean, running_var, momentum, eps, dims=(0,), count=x.shape[0])


@wrong(
    "check_batch_norm_step",
    "unbiased correction with N - 1 instead of N * L - 1",
    "N * L|count|n - 1|unbiased|denominator|N*L",
    avoid=("square root",),
)
def bn_count_n(x, running_mean, running_var, training, momentum, eps):
    if not training:
        return _bn_eval(x, running_mean, running_var, eps)
    N = x.shape[0]
    count = N if N > 1 else 2
    return _bn_train(x, running_mean, running_var, momentum, eps, count=count)


@wrong(
    "check_batch_norm_step",
    "running variance updated with the biased variance",
    "unbiased|biased|running var|n - 1|bessel",
    avoid=("square root", "dim"),
)
def bn_run_biased(x, running_mean, running_var, training, momentum, eps):
    if not training:
        return _bn_eval(x, running_mean, running_var, eps)
    return _bn_train(x, running_mean, running_var, momentum, eps, run_unbiased=False)


@wrong(
    "check_batch_norm_step",
    "momentum weights the old running value (Keras' convention)",
    "momentum|weight|1 - momentum|keras|old",
    avoid=("square root", "unbiased"),
)
def bn_momentum_swapped(x, running_mean, running_var, training, momentum, eps):
    if not training:
        return _bn_eval(x, running_mean, running_var, eps)
    return _bn_train(x, running_mean, running_var, momentum, eps, swap_momentum=True)


@wrong(
    "check_batch_norm_step",
    "eps added to the standard deviation, outside the square root",
    "eps|sqrt|square root|inside|outside",
    avoid=("momentum", "unbiased"),
)
def bn_eps_outside(x, running_mean, running_var, training, momentum, eps):
    if not training:
        y = (x - running_mean[:, None]) / (torch.sqrt(running_var[:, None]) + eps)
        return y, running_mean, running_var
    return _bn_train(x, running_mean, running_var, momentum, eps, eps_out=True)


@wrong(
    "check_batch_norm_step",
    "eval mode normalizes with the batch statistics",
    "eval|running|batch statistics|mode|training",
    avoid=("momentum", "square root"),
)
def bn_eval_batch_stats(x, running_mean, running_var, training, momentum, eps):
    if not training:
        y = (x - x.mean(dim=(0, 2))[:, None]) / torch.sqrt(
            x.var(dim=(0, 2), unbiased=False)[:, None] + eps
        )
        return y, running_mean, running_var
    return _bn_train(x, running_mean, running_var, momentum, eps)


@right(
    "check_batch_norm_step",
    "running statistics updated in place with mul_/add_ (as nn.BatchNorm1d does)",
)
def bn_inplace(x, running_mean, running_var, training, momentum, eps):
    if not training:
        return _bn_eval(x, running_mean, running_var, eps)
    y, new_mean, new_var = _bn_train(x, running_mean, running_var, momentum, eps)
    running_mean.copy_(new_mean)
    running_var.copy_(new_var)
    return y, running_mean, running_var


@right("check_batch_norm_step", "F.batch_norm on clones of the running buffers")
def bn_functional_ok(x, running_mean, running_var, training, momentum, eps):
    rm, rv = running_mean.clone(), running_var.clone()
    y = F.batch_norm(x, rm, rv, training=training, momentum=momentum, eps=eps)
    return y, rm, rv


@right("check_batch_norm_step", "permute to (C, N*L) rows, statistics per row")
def bn_rows_ok(x, running_mean, running_var, training, momentum, eps):
    N, C, L = x.shape
    rows = x.permute(1, 0, 2).reshape(C, N * L)
    if training:
        mean = rows.sum(dim=1) / (N * L)
        sq = ((rows - mean[:, None]) ** 2).sum(dim=1)
        var_b, var_u = sq / (N * L), sq / (N * L - 1)
        new_mean = running_mean + momentum * (mean - running_mean)
        new_var = running_var + momentum * (var_u - running_var)
    else:
        mean, var_b = running_mean, running_var
        new_mean, new_var = running_mean, running_var
    y = (x - mean.view(1, C, 1)) * torch.rsqrt(var_b.view(1, C, 1) + eps)
    return y, new_mean, new_var


# --------------------------------------------------------------------------------------
# ch06: my_group_norm(x, num_groups, eps)
# --------------------------------------------------------------------------------------


@wrong(
    "check_group_norm",
    "unbiased variance in the normalization",
    "unbiased|biased|n - 1|variance|bessel",
    avoid=("consecutive", "square root"),
)
def gn_unbiased(x, num_groups, eps):
    rows = x.reshape(x.shape[0], num_groups, -1)
    y = (rows - rows.mean(dim=2, keepdim=True)) / torch.sqrt(rows.var(dim=2, keepdim=True) + eps)
    return y.reshape(x.shape)


@wrong(
    "check_group_norm",
    "one group per channel (instance norm)",
    "instance|per channel|each channel|num_groups",
    avoid=("unbiased", "square root"),
)
def gn_per_channel(x, num_groups, eps):
    mean = x.mean(dim=2, keepdim=True)
    var = x.var(dim=2, unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)


@wrong(
    "check_group_norm",
    "channels grouped with a stride (c % G) instead of consecutively",
    "consecutive|order|stride|reshape",
    avoid=("unbiased", "square root"),
)
def gn_strided(x, num_groups, eps):
    N, C, L = x.shape
    z = x.reshape(N, C // num_groups, num_groups, L).transpose(1, 2)
    rows = z.reshape(N, num_groups, -1)
    rows = (rows - rows.mean(dim=2, keepdim=True)) / torch.sqrt(
        rows.var(dim=2, unbiased=False, keepdim=True) + eps
    )
    return rows.reshape(N, num_groups, C // num_groups, L).transpose(1, 2).reshape(N, C, L)


@wrong(
    "check_group_norm",
    "eps outside the square root",
    "eps|sqrt|square root|inside|outside",
    avoid=("unbiased", "consecutive"),
)
def gn_eps_outside(x, num_groups, eps):
    rows = x.reshape(x.shape[0], num_groups, -1)
    centred = rows - rows.mean(dim=2, keepdim=True)
    return (centred / (rows.std(dim=2, unbiased=False, keepdim=True) + eps)).reshape(x.shape)


@wrong(
    "check_group_norm",
    "statistics pooled over the batch as well",
    "batch|example|dim|axis|each example",
    avoid=("unbiased", "square root"),
)
def gn_over_batch(x, num_groups, eps):
    N = x.shape[0]
    rows = x.reshape(N, num_groups, -1)
    mean = rows.mean(dim=(0, 2), keepdim=True)
    var = rows.var(dim=(0, 2), unbiased=False, keepdim=True)
    return ((rows - mean) / torch.sqrt(var + eps)).reshape(x.shape)


@wrong(
    "check_group_norm",
    "layer norm: num_groups ignored, one group per example",
    "num_groups|layer norm|whole|one group",
    avoid=("unbiased", "square root"),
)
def gn_layer_norm(x, num_groups, eps):
    rows = x.reshape(x.shape[0], 1, -1)
    y = (rows - rows.mean(dim=2, keepdim=True)) / torch.sqrt(
        rows.var(dim=2, unbiased=False, keepdim=True) + eps
    )
    return y.reshape(x.shape)


@wrong(
    "check_group_norm",
    "reshape to (N, -1, G): the group axis last, groups mixed up",
    "reshape|consecutive|(n, g|group axis",
    avoid=("unbiased", "square root"),
)
def gn_reshape_last(x, num_groups, eps):
    rows = x.reshape(x.shape[0], -1, num_groups)
    y = (rows - rows.mean(dim=1, keepdim=True)) / torch.sqrt(
        rows.var(dim=1, unbiased=False, keepdim=True) + eps
    )
    return y.reshape(x.shape)


@right("check_group_norm", "F.layer_norm over the rows of the (N, G, C/G * L) view")
def gn_layer_norm_rows_ok(x, num_groups, eps):
    rows = x.reshape(x.shape[0], num_groups, -1)
    return F.layer_norm(rows, rows.shape[-1:], eps=eps).reshape(x.shape)


@right("check_group_norm", "loop over groups with torch.var_mean and torch.cat")
def gn_loop_ok(x, num_groups, eps):
    size = x.shape[1] // num_groups
    parts = []
    for g in range(num_groups):
        chunk = x[:, g * size : (g + 1) * size, :]
        var, mean = torch.var_mean(chunk, dim=(1, 2), unbiased=False, keepdim=True)
        parts.append((chunk - mean) / torch.sqrt(var + eps))
    return torch.cat(parts, dim=1)


@right("check_group_norm", "one-pass E[x^2] - E[x]^2 in float64, cast back")
def gn_moments_ok(x, num_groups, eps):
    rows = x.double().reshape(x.shape[0], num_groups, -1)
    mean = rows.mean(dim=-1, keepdim=True)
    var = (rows**2).mean(dim=-1, keepdim=True) - mean**2
    return ((rows - mean) / (var + eps).sqrt()).reshape(x.shape).to(x.dtype)


# --------------------------------------------------------------------------------------
# ch07: should_stop(val_losses, patience, min_delta)
# --------------------------------------------------------------------------------------


@wrong(
    "check_should_stop",
    "compares with the previous epoch's loss instead of the best",
    "best|previous|last improvement|last epoch",
    avoid=("1-based", "None"),
)
def ss_previous(val_losses, patience, min_delta):
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
    "check_should_stop",
    "wait > patience: one epoch too late",
    "patience|one epoch|off by one|late|>=",
    avoid=("previous", "1-based"),
)
def ss_late(val_losses, patience, min_delta):
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
    "check_should_stop",
    "returns the 0-based index",
    "1-based|0-based|index|off by one",
    avoid=("previous", "min_delta"),
)
def ss_zero_based(val_losses, patience, min_delta):
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
    "check_should_stop",
    "best = min(best, loss) on every epoch, even without a min_delta improvement",
    "only on an improvement|update|only when|min_delta",
    avoid=("patience", "1-based"),
)
def ss_best_always(val_losses, patience, min_delta):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            wait = 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
        best = min(best, loss)
    return None


@wrong(
    "check_should_stop",
    "returns the epoch of the best loss instead of the stopping epoch",
    "best epoch|stopping epoch|stops|end of which|restor",
    avoid=("min_delta", "1-based"),
)
def ss_best_epoch(val_losses, patience, min_delta):
    best, wait, best_epoch = float("inf"), 0, None
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, wait, best_epoch = loss, 0, epoch
        else:
            wait += 1
            if wait >= patience:
                return best_epoch
    return None


@wrong(
    "check_should_stop",
    "counter never reset: counts all non-improving epochs",
    "reset|in a row|consecutive|counter",
    avoid=("min_delta", "1-based"),
)
def ss_no_reset(val_losses, patience, min_delta):
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
    "check_should_stop",
    "returns len(val_losses) when the rule never fires",
    "None|never fires|never|last epoch",
    avoid=("previous", "1-based"),
)
def ss_len_not_none(val_losses, patience, min_delta):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return len(val_losses)


@right("check_should_stop", "distance to the epoch of the last improvement")
def ss_distance_ok(val_losses, patience, min_delta):
    best, last = None, 0
    for i, loss in enumerate(val_losses):
        if best is None or loss < best - min_delta:
            best, last = loss, i
        elif i - last >= patience:
            return i + 1
    return None


@right("check_should_stop", "while loop with an explicit index and numpy floats")
def ss_while_ok(val_losses, patience, min_delta):
    losses = np.asarray(list(val_losses), dtype=float)
    best, bad, i = np.inf, 0, 0
    while i < len(losses):
        if losses[i] < best - min_delta:
            best, bad = losses[i], 0
        else:
            bad += 1
        i += 1
        if bad == patience:
            return i
    return None


# --------------------------------------------------------------------------------------
# ch07: gradient_descent(X, y, lr, num_steps)
# --------------------------------------------------------------------------------------


@wrong(
    "check_early_stopped_gd",
    "gradient of the mean loss: divides by n",
    "1/n|/ n|mean|divid|summed",
    avoid=("sign", "factor 2"),
)
def gd_mean(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    for _ in range(num_steps):
        w = w - lr * X.T @ (X @ w - y) / X.shape[0]
    return w


@wrong(
    "check_early_stopped_gd",
    "factor 2 in the gradient (the 1/2 of the loss ignored)",
    "factor 2|2 *|twice|1/2|half",
    avoid=("sign", "1/n"),
)
def gd_factor2(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    for _ in range(num_steps):
        w = w - 2 * lr * X.T @ (X @ w - y)
    return w


@wrong(
    "check_early_stopped_gd",
    "range(num_steps + 1): one step too many",
    "one step|off by one|too many|extra|num_steps + 1",
    avoid=("sign", "1/n", "factor 2"),
)
def gd_extra_step(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    for _ in range(num_steps + 1):
        w = w - lr * X.T @ (X @ w - y)
    return w


@wrong(
    "check_early_stopped_gd",
    "starts from w = 1 instead of 0",
    "start|initial|w = 0|zero|ones",
    avoid=("sign", "1/n"),
)
def gd_start_ones(X, y, lr, num_steps):
    w = np.ones(X.shape[1])
    for _ in range(num_steps):
        w = w - lr * X.T @ (X @ w - y)
    return w


@wrong(
    "check_early_stopped_gd",
    "w + lr * X.T (X w - y): gradient ascent",
    "sign|ascent|minus|opposite|diverg",
    avoid=("1/n", "factor 2"),
)
def gd_ascent(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    for _ in range(num_steps):
        w = w + lr * X.T @ (X @ w - y)
    return w


@wrong(
    "check_early_stopped_gd",
    "the gradient computed once at w = 0 and reused",
    "recompute|every step|each step|fixed|stale",
    avoid=("sign", "1/n"),
)
def gd_stale_gradient(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    g = X.T @ (X @ w - y)
    for _ in range(num_steps):
        w = w - lr * g
    return w


@wrong(
    "check_early_stopped_gd",
    "returns the closed-form least-squares solution (not stopped)",
    "least squares|converged|closed form|not stopped|lstsq",
    avoid=("sign", "1/n"),
)
def gd_lstsq(X, y, lr, num_steps):
    return np.linalg.lstsq(X, y, rcond=None)[0]


@right("check_early_stopped_gd", "Hessian and X^T y precomputed")
def gd_precomputed_ok(X, y, lr, num_steps):
    H, b = X.T @ X, X.T @ y
    w = np.zeros(X.shape[1])
    for _ in range(num_steps):
        w -= lr * (H @ w - b)
    return w


@right("check_early_stopped_gd", "geometric series lr * sum_k (I - lr H)^k X^T y")
def gd_series_ok(X, y, lr, num_steps):
    d = X.shape[1]
    M = np.eye(d) - lr * X.T @ X
    term, total = X.T @ y, np.zeros(d)
    for _ in range(num_steps):
        total = total + term
        term = M @ term
    return lr * total


@right("check_early_stopped_gd", "torch autograd on the summed loss, returned as numpy")
def gd_torch_ok(X, y, lr, num_steps):
    Xt, yt = (
        torch.as_tensor(X, dtype=torch.float64),
        torch.as_tensor(y, dtype=torch.float64),
    )
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    for _ in range(num_steps):
        loss = 0.5 * ((Xt @ w - yt) ** 2).sum()
        (g,) = torch.autograd.grad(loss, w)
        w = (w - lr * g).detach().requires_grad_(True)
    return w.detach().numpy()


# --------------------------------------------------------------------------------------
# ch08: mix(x, targets, lam, perm)
# --------------------------------------------------------------------------------------


@wrong(
    "check_mixup",
    "lam on the partner, 1 - lam on the example",
    "swap|exchang|1 - lam|partner|other way",
    avoid=("in place", "inverse"),
)
def mx_lam_on_partner(x, targets, lam, perm):
    lx, lt = lam[:, None, None], lam[:, None]
    return (1 - lx) * x + lx * x[perm], (1 - lt) * targets + lt * targets[perm]


@wrong(
    "check_mixup",
    "targets returned unmixed",
    "not mixed|unmixed|unchanged|targets[perm]|same weights",
    avoid=("in place",),
)
def mx_targets_unmixed(x, targets, lam, perm):
    lx = lam[:, None, None]
    return lx * x + (1 - lx) * x[perm], targets.clone()


@wrong(
    "check_mixup",
    "lam.mean(): one weight for the whole batch",
    "per example|each example|mean|scalar|one weight",
    avoid=("in place", "inverse"),
)
def mx_lam_mean(x, targets, lam, perm):
    lm = lam.mean()
    return lm * x + (1 - lm) * x[perm], lm * targets + (1 - lm) * targets[perm]


@wrong(
    "check_mixup",
    "targets mixed with 1 - lam (different weights for images and targets)",
    "same weights|same lam|1 - lam|targets with",
    avoid=("in place",),
)
def mx_target_weights_swapped(x, targets, lam, perm):
    lx, lt = lam[:, None, None], lam[:, None]
    return lx * x + (1 - lx) * x[perm], (1 - lt) * targets + lt * targets[perm]


@wrong(
    "check_mixup",
    "x.mul_(...).add_(...): the input images overwritten",
    "in place|in-place|changed|modif|copy|mutat",
    avoid=("inverse", "partner"),
)
def mx_inplace(x, targets, lam, perm):
    partner = x[perm].clone()
    lx, lt = lam[:, None, None], lam[:, None]
    x.mul_(lx).add_((1 - lx) * partner)
    return x, lt * targets + (1 - lt) * targets[perm]


@wrong(
    "check_mixup",
    "inverse permutation: x[argsort(perm)] as the partner",
    "perm|partner|permutation|inverse|index",
    avoid=("in place",),
)
def mx_inverse_perm(x, targets, lam, perm):
    inv = torch.argsort(perm)
    lx, lt = lam[:, None, None], lam[:, None]
    return lx * x + (1 - lx) * x[inv], lt * targets + (1 - lt) * targets[inv]


@wrong(
    "check_mixup",
    "the weights permuted too: lam[perm]",
    "lam[perm]|weights permuted|own weight|permuted",
    avoid=("in place", "inverse"),
)
def mx_lam_permuted(x, targets, lam, perm):
    lp = lam[perm]
    lx, lt = lp[:, None, None], lp[:, None]
    return lx * x + (1 - lx) * x[perm], lt * targets + (1 - lt) * targets[perm]


@right("check_mixup", "torch.lerp from the partner towards the example")
def mx_lerp_ok(x, targets, lam, perm):
    return (
        torch.lerp(x[perm], x, lam.view(-1, 1, 1)),
        torch.lerp(targets[perm], targets, lam.view(-1, 1)),
    )


@right("check_mixup", "einsum and index_select")
def mx_einsum_ok(x, targets, lam, perm):
    px, pt = x.index_select(0, perm), targets.index_select(0, perm)
    xm = torch.einsum("n,nhw->nhw", lam, x - px) + px
    tm = torch.einsum("n,nk->nk", lam, targets - pt) + pt
    return xm, tm


# --------------------------------------------------------------------------------------
# ch08: smooth(y, num_classes, smoothing)
# --------------------------------------------------------------------------------------


@wrong(
    "check_label_smoothing",
    "smoothing / (K - 1) on the other classes, 1 - smoothing on the true one",
    "K - 1|all classes|true class|convention|K-1",
    avoid=("integer", "log"),
)
def ls_k_minus_one(y, num_classes, smoothing):
    onehot = F.one_hot(y, num_classes).float()
    return onehot * (1 - smoothing) + (1 - onehot) * smoothing / (num_classes - 1)


@wrong(
    "check_label_smoothing",
    "smoothing / K added without scaling the one-hot by 1 - smoothing",
    "1 - smoothing|sum|scale|add up to 1|sums",
    avoid=("K - 1",),
)
def ls_no_scale(y, num_classes, smoothing):
    return F.one_hot(y, num_classes).float() + smoothing / num_classes


@wrong(
    "check_label_smoothing",
    "smoothing and 1 - smoothing exchanged",
    "swap|exchang|1 - smoothing|true class",
    avoid=("K - 1",),
)
def ls_swapped(y, num_classes, smoothing):
    onehot = F.one_hot(y, num_classes).float()
    return smoothing * onehot + (1 - smoothing) / num_classes


@wrong(
    "check_label_smoothing",
    "1 - smoothing on the true class, smoothing / K on the others",
    "true class|sum|add up|smoothing / K|ε/K",
    avoid=("K - 1",),
)
def ls_true_class_only(y, num_classes, smoothing):
    onehot = F.one_hot(y, num_classes).float()
    return torch.where(onehot.bool(), 1 - smoothing, smoothing / num_classes)


@wrong(
    "check_label_smoothing",
    "smoothing // num_classes: integer division gives 0",
    "integer|division|//|zero|no smoothing",
    avoid=("K - 1",),
)
def ls_floor_division(y, num_classes, smoothing):
    onehot = F.one_hot(y, num_classes).float()
    return (1 - smoothing) * onehot + smoothing // num_classes


@wrong(
    "check_label_smoothing",
    "log of the targets (the log-probabilities the loss uses)",
    "log|probabilit|sum to 1|negative",
    avoid=("K - 1",),
)
def ls_log(y, num_classes, smoothing):
    onehot = F.one_hot(y, num_classes).float()
    return torch.log((1 - smoothing) * onehot + smoothing / num_classes)


@right("check_label_smoothing", "torch.full then scatter_ on the true class")
def ls_scatter_ok(y, num_classes, smoothing):
    out = torch.full((y.shape[0], num_classes), smoothing / num_classes)
    return out.scatter_(1, y.view(-1, 1), 1 - smoothing + smoothing / num_classes)


@right("check_label_smoothing", "np.eye rows indexed by the labels, back to a tensor")
def ls_eye_ok(y, num_classes, smoothing):
    eye = np.eye(num_classes)[np.asarray(y)]
    return torch.tensor(eye * (1 - smoothing) + smoothing / num_classes, dtype=torch.float32)


@right("check_label_smoothing", "onehot * (1 - s + s/K) + (1 - onehot) * s/K")
def ls_two_terms_ok(y, num_classes, smoothing):
    onehot = F.one_hot(y, num_classes).to(torch.float32)
    off = smoothing / num_classes
    return onehot * (1 - smoothing + off) + (1 - onehot) * off


# --------------------------------------------------------------------------------------
# ch09: precision_recall_f1(y_true, y_pred)
# --------------------------------------------------------------------------------------


def _counts(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    return tp, fp, fn


@wrong(
    "check_precision_recall_f1",
    "precision and recall exchanged (fp and fn confused)",
    "swap|exchang|fp and fn|other way|each other",
    avoid=("zero", "order"),
)
def prf_swapped(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    prec = tp / (tp + fn) if tp + fn else 0.0
    rec = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return prec, rec, f1


@wrong(
    "check_precision_recall_f1",
    "F1 as the arithmetic mean of precision and recall",
    "harmonic|arithmetic|2pr|2 * p",
    avoid=("swap", "zero"),
)
def prf_arithmetic(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, (prec + rec) / 2


@wrong(
    "check_precision_recall_f1",
    "no guard: nan when a denominator is 0",
    "nan|0/0|zero|denominator|no positive",
    avoid=("swap", "harmonic"),
)
def prf_nan(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    with np.errstate(divide="ignore", invalid="ignore"):
        prec = np.float64(tp) / (tp + fp)
        rec = np.float64(tp) / (tp + fn)
        f1 = 2 * prec * rec / (prec + rec)
    return prec, rec, f1


@wrong(
    "check_precision_recall_f1",
    "accuracy in place of precision",
    "accuracy|true negative|negatives",
    avoid=("harmonic", "zero"),
)
def prf_accuracy(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp, fp, fn = _counts(y_true, y_pred)
    prec = float(np.mean(y_true == y_pred))
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


@wrong(
    "check_precision_recall_f1",
    "returns (precision, F1, recall)",
    "order|swap|(precision, recall, f1)|triple",
    avoid=("harmonic", "zero"),
)
def prf_order(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return prec, f1, rec


@wrong(
    "check_precision_recall_f1",
    "metrics of class 0 instead of class 1",
    "class 1|class 0|positive class|negative",
    avoid=("harmonic", "zero", "swap"),
)
def prf_class0(y_true, y_pred):
    return _prf_ok(1 - np.asarray(y_true), 1 - np.asarray(y_pred))


@wrong(
    "check_precision_recall_f1",
    "1.0 instead of 0 when a denominator is 0",
    "zero|0/0|denominator|no positive|0 when",
    avoid=("swap", "harmonic"),
)
def prf_one_when_empty(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def _prf_ok(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return prec, rec, f1


@right("check_precision_recall_f1", "sklearn with zero_division=0")
def prf_sklearn_ok(y_true, y_pred):
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(
        np.asarray(y_true),
        np.asarray(y_pred),
        average="binary",
        pos_label=1,
        zero_division=0,
    )
    return float(p), float(r), float(f)


@right("check_precision_recall_f1", "pure Python loop, F1 as 2pr/(p+r) with a guard")
def prf_loop_ok(y_true, y_pred):
    tp = fp = fn = 0
    for t, p in zip(list(y_true), list(y_pred), strict=True):
        tp += int(t == 1 and p == 1)
        fp += int(t == 0 and p == 1)
        fn += int(t == 1 and p == 0)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec > 0 else 0.0
    return prec, rec, f1


@right("check_precision_recall_f1", "dot products of the 0/1 arrays")
def prf_dot_ok(y_true, y_pred):
    t, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    tp = float(t @ p)
    n_pred, n_true = float(p.sum()), float(t.sum())
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_true if n_true else 0.0
    f1 = 2 * tp / (n_pred + n_true) if n_pred + n_true else 0.0
    return prec, rec, f1


# --------------------------------------------------------------------------------------
# ch09: r2(y_true, y_pred)
# --------------------------------------------------------------------------------------


@wrong(
    "check_r2",
    "total sum of squares around the mean of the predictions",
    "mean of y_true|y_true.mean|mean of the targets|ss_tot|total",
    avoid=("correlation", "absolute"),
)
def r2_pred_mean(y_true, y_pred):
    return 1 - np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_pred.mean()) ** 2)


@wrong(
    "check_r2",
    "squared correlation instead of R^2",
    "correlation|corrcoef|offset|scale",
    avoid=("absolute", "clip"),
)
def r2_corr(y_true, y_pred):
    return float(np.corrcoef(y_true, y_pred)[0, 1] ** 2)


@wrong(
    "check_r2",
    "ss_res / ss_tot without the 1 -",
    "1 -|one minus|fraction|unexplained",
    avoid=("correlation",),
)
def r2_no_one_minus(y_true, y_pred):
    return np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_true.mean()) ** 2)


@wrong(
    "check_r2",
    "mean squared error over np.var(ddof=1): n and n - 1 mixed",
    "ddof|n - 1|mean|sum|denominator",
    avoid=("correlation",),
)
def r2_ddof_mix(y_true, y_pred):
    return 1 - np.mean((y_true - y_pred) ** 2) / np.var(y_true, ddof=1)


@wrong(
    "check_r2",
    "clipped at 0 (R^2 can be negative)",
    "negative|clip|below 0|max|worse than the mean",
    avoid=("correlation",),
)
def r2_clipped(y_true, y_pred):
    return max(0.0, 1 - np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_true.mean()) ** 2))


@wrong(
    "check_r2",
    "absolute residuals instead of squared ones",
    "square|absolute|abs",
    avoid=("correlation",),
)
def r2_abs(y_true, y_pred):
    return 1 - np.sum(np.abs(y_true - y_pred)) / np.sum(np.abs(y_true - y_true.mean()))


@wrong(
    "check_r2",
    "arguments' roles exchanged: variance of the predictions in the denominator",
    "y_pred|y_true|swap|exchang|order|argument",
    avoid=("correlation",),
)
def r2_args_swapped(y_true, y_pred):
    return 1 - np.sum((y_pred - y_true) ** 2) / np.sum((y_pred - y_pred.mean()) ** 2)


@right("check_r2", "1 - MSE / np.var")
def r2_var_ok(y_true, y_pred):
    return 1.0 - np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2) / np.var(y_true)


@right("check_r2", "sklearn.metrics.r2_score")
def r2_sklearn_ok(y_true, y_pred):
    from sklearn.metrics import r2_score

    return float(r2_score(y_true, y_pred))


@right("check_r2", "Python sums over zipped lists")
def r2_loop_ok(y_true, y_pred):
    ys, ps = [float(a) for a in y_true], [float(b) for b in y_pred]
    mean = sum(ys) / len(ys)
    res = sum((a - b) ** 2 for a, b in zip(ys, ps, strict=True))
    tot = sum((a - mean) ** 2 for a in ys)
    return 1.0 - res / tot


# --------------------------------------------------------------------------------------
# ch10: clip_by_norm(grads, max_norm)
# --------------------------------------------------------------------------------------


@wrong(
    "check_clip_by_norm",
    "each tensor clipped by its own norm",
    "joint|all gradients|together|total norm|each tensor|same factor|global",
    avoid=("in place", "clamp"),
)
def cn_per_tensor(grads, max_norm):
    out = []
    for g in grads:
        n = float(g.norm())
        out.append(g * min(1.0, max_norm / (n + 1e-6)))
    return out


@wrong(
    "check_clip_by_norm",
    "always rescales to max_norm, even below it",
    "below|unchanged|factor|never above 1|min|exceeds",
    avoid=("in place", "clamp"),
)
def cn_always(grads, max_norm):
    total = torch.sqrt(sum((g**2).sum() for g in grads))
    return [g * (max_norm / (total + 1e-6)) for g in grads]


@wrong(
    "check_clip_by_norm",
    "clamps each entry to [-max_norm, max_norm] (clip by value)",
    "value|clamp|entries|direction|scale",
    avoid=("in place",),
)
def cn_clamp(grads, max_norm):
    return [g.clamp(-max_norm, max_norm) for g in grads]


@wrong(
    "check_clip_by_norm",
    "g.mul_(factor): the given tensors clipped in place",
    "in place|in-place|changed|modif|copy|mutat",
    avoid=("clamp", "each tensor"),
)
def cn_inplace(grads, max_norm):
    total = float(torch.sqrt(sum((g**2).sum() for g in grads)))
    factor = min(1.0, max_norm / (total + 1e-6))
    for g in grads:
        g.mul_(factor)
    return grads


@wrong(
    "check_clip_by_norm",
    "total norm as the sum of the tensors' norms",
    "sum of|sqrt|square|triangle|norms",
    avoid=("in place", "clamp"),
)
def cn_sum_of_norms(grads, max_norm):
    total = sum(float(g.norm()) for g in grads)
    factor = min(1.0, max_norm / (total + 1e-6))
    return [g * factor for g in grads]


@wrong(
    "check_clip_by_norm",
    "squared norm used in the factor (sqrt forgotten)",
    "sqrt|square|squared",
    avoid=("in place", "clamp"),
)
def cn_squared(grads, max_norm):
    total = float(sum((g**2).sum() for g in grads))
    factor = min(1.0, max_norm / (total + 1e-6))
    return [g * factor for g in grads]


@wrong(
    "check_clip_by_norm",
    "returns (clipped, total_norm) like clip_grad_norm_'s return value",
    "list|tuple|pair|two values",
    avoid=("in place", "clamp"),
)
def cn_returns_pair(grads, max_norm):
    total = torch.sqrt(sum((g**2).sum() for g in grads))
    factor = min(1.0, max_norm / (float(total) + 1e-6))
    return [g * factor for g in grads], total


@right("check_clip_by_norm", "torch.nn.utils.clip_grad_norm_ on dummy parameters")
def cn_torch_ok(grads, max_norm):
    params = []
    for g in grads:
        p = nn.Parameter(torch.zeros_like(g))
        p.grad = g.detach().clone()
        params.append(p)
    torch.nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad for p in params]


@right("check_clip_by_norm", "norm of the flattened concatenation, explicit branch")
def cn_cat_ok(grads, max_norm):
    total = torch.linalg.vector_norm(torch.cat([g.reshape(-1) for g in grads]))
    if total <= max_norm:
        return [g.clone() for g in grads]
    return [g * (max_norm / total) for g in grads]


@right("check_clip_by_norm", "norm of the per-tensor norms")
def cn_norm_of_norms_ok(grads, max_norm):
    total = torch.stack([g.norm() for g in grads]).norm()
    factor = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    return [g * factor for g in grads]


# --------------------------------------------------------------------------------------
# ch10: max_norm_project(W, c)
# --------------------------------------------------------------------------------------


@wrong(
    "check_max_norm",
    "column norms (dim=0) instead of row norms",
    "column|dim=0|dim 0|axis|(out, in)",
    avoid=("in place", "clamp"),
)
def mn_columns(W, c):
    norms = W.norm(dim=0, keepdim=True)
    return W * torch.clamp(c / (norms + 1e-12), max=1.0)


@wrong(
    "check_max_norm",
    "every row rescaled to norm c, also the short ones",
    "exceed|short|unchanged|only rows|min|other rows",
    avoid=("in place", "column"),
)
def mn_all_rows(W, c):
    return W * c / W.norm(dim=1, keepdim=True)


@wrong(
    "check_max_norm",
    "clamps the entries to [-c, c]",
    "clamp|entries|value|direction",
    avoid=("in place", "column"),
)
def mn_clamp_entries(W, c):
    return torch.clamp(W, -c, c)


@wrong(
    "check_max_norm",
    "W.mul_(...): the given matrix changed in place",
    "in place|in-place|changed|modif|copy|mutat",
    avoid=("column", "clamp"),
)
def mn_inplace(W, c):
    return W.mul_(torch.clamp(c / (W.norm(dim=1, keepdim=True) + 1e-12), max=1.0))


@wrong(
    "check_max_norm",
    "Frobenius norm of the whole matrix",
    "whole|frobenius|each row|per row",
    avoid=("in place", "column"),
)
def mn_frobenius(W, c):
    return W * min(1.0, c / (float(W.norm()) + 1e-12))


@wrong(
    "check_max_norm",
    "torch.renorm(W, 2, 1, c): renormalizes the columns",
    "column|dim=1|dim 1|axis",
    avoid=("in place", "clamp"),
)
def mn_renorm_dim1(W, c):
    return torch.renorm(W, 2, 1, c)


@wrong(
    "check_max_norm",
    "squared row norm compared with c",
    "square|sqrt|squared",
    avoid=("in place", "column"),
)
def mn_squared_norm(W, c):
    sq = (W**2).sum(dim=1, keepdim=True)
    return W * torch.clamp(c / (sq + 1e-12), max=1.0)


@right("check_max_norm", "torch.renorm over rows")
def mn_renorm_ok(W, c):
    return torch.renorm(W, 2, 0, c)


@right("check_max_norm", "torch.where on the rows whose norm exceeds c")
def mn_where_ok(W, c):
    norms = torch.linalg.vector_norm(W, dim=1, keepdim=True)
    return torch.where(norms > c, W * (c / norms), W)


@right("check_max_norm", "loop over rows on a clone")
def mn_loop_ok(W, c):
    out = W.clone()
    for i in range(out.shape[0]):
        n = float(out[i].norm())
        if n > c:
            out[i] = out[i] * (c / n)
    return out


# --------------------------------------------------------------------------------------
# ch10: mc_predict(model, X, num_samples)
# --------------------------------------------------------------------------------------


def _dropout_only_train(model):
    model.eval()
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.train()


@wrong(
    "check_mc_predict",
    "model.train(): batch norm in training mode as well",
    "batch norm|eval|mode|other layer|train()",
    avoid=("no_grad", "variance"),
)
def mc_all_train(model, X, num_samples):
    model.train()
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.std(dim=0)


@wrong(
    "check_mc_predict",
    "model.eval() only: dropout never switched on",
    "switched on|zero|no spread|train mode|training mode|never on",
    avoid=("no_grad",),
)
def mc_all_eval(model, X, num_samples):
    model.eval()
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.std(dim=0)


@wrong(
    "check_mc_predict",
    "returns (std, mean)",
    "order|swap|(mean, std)|exchang",
    avoid=("eval", "no_grad"),
)
def mc_swapped(model, X, num_samples):
    _dropout_only_train(model)
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.std(dim=0), passes.mean(dim=0)


@wrong(
    "check_mc_predict",
    "variance instead of standard deviation",
    "variance|std|standard deviation|sqrt|square",
    avoid=("eval", "no_grad"),
)
def mc_variance(model, X, num_samples):
    _dropout_only_train(model)
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.var(dim=0)


@wrong(
    "check_mc_predict",
    "torch.manual_seed(0) inside the loop: every pass identical",
    "seed|identical|same mask|zero|random",
    avoid=("eval", "no_grad"),
)
def mc_seed_inside(model, X, num_samples):
    _dropout_only_train(model)
    passes = []
    with torch.no_grad():
        for _ in range(num_samples):
            torch.manual_seed(0)
            passes.append(model(X))
    passes = torch.stack(passes)
    return passes.mean(dim=0), passes.std(dim=0)


@wrong(
    "check_mc_predict",
    "passes concatenated along dim 0, then averaged over it: shapes collapse",
    "shape|dim|axis|stack|cat",
    avoid=("eval", "no_grad"),
)
def mc_cat(model, X, num_samples):
    _dropout_only_train(model)
    with torch.no_grad():
        passes = torch.cat([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.std(dim=0)


@wrong(
    "check_mc_predict",
    "no torch.no_grad(): the outputs carry a graph",
    "no_grad|gradient|requires_grad|graph|grad",
    avoid=("eval", "order"),
)
def mc_with_grad(model, X, num_samples):
    _dropout_only_train(model)
    passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.std(dim=0)


@right("check_mc_predict", "Welford running mean and unbiased variance")
def mc_welford_ok(model, X, num_samples):
    _dropout_only_train(model)
    mean = m2 = None
    with torch.no_grad():
        for k in range(1, num_samples + 1):
            out = model(X)
            if mean is None:
                mean, m2 = out.clone(), torch.zeros_like(out)
                continue
            delta = out - mean
            mean = mean + delta / k
            m2 = m2 + delta * (out - mean)
    return mean, torch.sqrt(m2 / (num_samples - 1))


@right("check_mc_predict", "torch.inference_mode and torch.std_mean")
def mc_std_mean_ok(model, X, num_samples):
    model.eval()
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.train(True)
    with torch.inference_mode():
        passes = torch.stack([model(X) for _ in range(num_samples)], dim=0)
        std, mean = torch.std_mean(passes, dim=0)
    return mean.clone(), std.clone()
