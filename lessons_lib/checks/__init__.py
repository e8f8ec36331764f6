"""Exercise check functions: instant, friendly feedback for learners.

Every check takes the learner's function, runs it on a few inputs, compares with a
reference and returns a :class:`Feedback` that displays as a short coloured message.
A wrong answer is explained (which input failed and the most likely reason); an
exception raised by the learner's code is reported, never re-raised; an exercise not
yet attempted (``raise NotImplementedError``) says so.

Chapter modules: :mod:`.ch01` … :mod:`.ch10`, one per chapter.
"""

from .ch01 import check_bias_variance, check_polynomial_features
from .ch02 import check_backward_pass, check_l2_update
from .ch03 import check_penalty_gradient, check_soft_threshold
from .ch04 import check_adamw_step, check_decay_step
from .ch05 import check_dropout_penalty, check_inverted_dropout
from .ch06 import check_batch_norm_step, check_group_norm
from .ch07 import check_early_stopped_gd, check_should_stop
from .ch08 import check_label_smoothing, check_mixup
from .ch09 import check_precision_recall_f1, check_r2
from .ch10 import check_clip_by_norm, check_max_norm, check_mc_predict
from .feedback import Feedback

__all__ = [
    "Feedback",
    "check_adamw_step",
    "check_backward_pass",
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
]
