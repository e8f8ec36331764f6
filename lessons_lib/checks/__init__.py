"""Exercise check functions: instant, friendly feedback for learners.

Every check takes the learner's function, runs it on inputs that cover every regime of
the exercise, compares with a reference and returns a :class:`Feedback` that displays
as a short coloured message. A wrong answer is compared with a table of known mistakes
so that the message names the mistake made; an exception raised by the learner's code
is reported, never re-raised; an exercise not yet attempted says so.

The shared core: :mod:`.feedback` (the :class:`Feedback` and the guarded call),
:mod:`.answers` (reading any returned value, tolerances by dtype), :mod:`.exercise`
(cases, reference and mistake table), :mod:`.diagnosis` (an input changed in place) and
:mod:`.hypotheses` (generic hypotheses about a wrong answer: a factor, the sign, a
transpose, a term, an input perturbed, tested on every case). Chapter modules:
:mod:`.ch01` … :mod:`.ch10`. :data:`EXERCISES` maps each check's name to its
:class:`~.exercise.Exercise`.
"""

from . import (
    ch01,
    ch02,
    ch02_l2,
    ch03,
    ch04,
    ch04_adam,
    ch05,
    ch05_penalty,
    ch06,
    ch06_gn,
    ch07,
    ch07_gd,
    ch08,
    ch09,
    ch09_r2,
    ch10,
    ch10_mc,
)
from .ch01 import check_bias_variance, check_polynomial_features
from .ch02 import check_l2_update, check_tanh_backward
from .ch03 import check_penalty_gradient, check_soft_threshold
from .ch04 import check_decay_step
from .ch04_adam import check_adam_l2_step
from .ch05 import check_dropout_penalty, check_inverted_dropout
from .ch06 import check_batch_norm_step, check_group_norm
from .ch07 import check_early_stopped_gd, check_should_stop
from .ch08 import check_label_smoothing, check_mixup
from .ch09 import check_precision_recall_f1, check_r2
from .ch10 import check_clip_by_norm, check_max_norm
from .ch10_mc import check_mc_predict
from .exercise import Exercise
from .feedback import Feedback

EXERCISES: dict[str, Exercise] = {
    "check_polynomial_features": ch01.POLYNOMIAL,
    "check_bias_variance": ch01.BIAS_VARIANCE,
    "check_tanh_backward": ch02.TANH_BACKWARD,
    "check_l2_update": ch02_l2.L2_UPDATE,
    "check_penalty_gradient": ch03.PENALTY_GRADIENT,
    "check_soft_threshold": ch03.SOFT_THRESHOLD,
    "check_decay_step": ch04.DECAY_STEP,
    "check_adam_l2_step": ch04_adam.ADAM_L2,
    "check_inverted_dropout": ch05.INVERTED_DROPOUT,
    "check_dropout_penalty": ch05_penalty.DROPOUT_PENALTY,
    "check_batch_norm_step": ch06.BATCH_NORM_STEP,
    "check_group_norm": ch06_gn.GROUP_NORM,
    "check_should_stop": ch07.SHOULD_STOP,
    "check_early_stopped_gd": ch07_gd.EARLY_STOPPED_GD,
    "check_mixup": ch08.MIXUP,
    "check_label_smoothing": ch08.LABEL_SMOOTHING,
    "check_precision_recall_f1": ch09.PRECISION_RECALL_F1,
    "check_r2": ch09_r2.R2,
    "check_clip_by_norm": ch10.CLIP_BY_NORM,
    "check_max_norm": ch10.MAX_NORM,
    "check_mc_predict": ch10_mc.MC_PREDICT,
}

__all__ = [
    "EXERCISES",
    "Exercise",
    "Feedback",
    "check_adam_l2_step",
    "check_batch_norm_step",
    "check_bias_variance",
    "check_clip_by_norm",
    "check_decay_step",
    "check_dropout_penalty",
    "check_early_stopped_gd",
    "check_group_norm",
    "check_inverted_dropout",
    "check_l2_update",
    "check_label_smoothing",
    "check_max_norm",
    "check_mc_predict",
    "check_mixup",
    "check_penalty_gradient",
    "check_polynomial_features",
    "check_precision_recall_f1",
    "check_r2",
    "check_should_stop",
    "check_soft_threshold",
    "check_tanh_backward",
]
