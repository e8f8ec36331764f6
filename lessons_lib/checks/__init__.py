"""Exercise check functions: instant, friendly feedback for learners.

Every check takes the learner's function, runs it on a few inputs, compares with a
reference and returns a :class:`Feedback` that displays as a short coloured message.
A wrong answer is explained (which input failed and the most likely reason); an
exception raised by the learner's code is reported, never re-raised; an exercise not
yet attempted (``raise NotImplementedError``) says so.

Chapter modules: :mod:`.ch01` (why regularize).
"""

from .ch01 import check_bias_variance, check_polynomial_features
from .feedback import Feedback

__all__ = ["Feedback", "check_bias_variance", "check_polynomial_features"]
