"""Grading an exercise: the check, run from fresh copies of the course's modules.

The graded test cells of the chapters (nbgrader's autograder tests) call :func:`grade`
instead of a check function the notebook imported. A learner's code runs in the same
kernel before the test, so any name the notebook defines can have been rebound
(``check_x = lambda fn: True``) and any module attribute patched. :func:`grade` therefore

1. loads private copies of the chapter's check module and every ``lessons_lib`` module
   it depends on, from the files on disk, so patches of the modules the notebook uses
   have no effect on the grade; the notebook's own modules are left as they were (an
   in-place reload would give classes such as the course's layers a second identity
   and break ``isinstance`` in later cells);
2. runs the check on the learner's answer and shows its feedback;
3. raises :class:`AssertionError` with the feedback's message when the answer is not
   correct, so the graded cell (and nbgrader's feedback report) says why.

:func:`require_own_code` rejects an answer that is, or calls, a function of the course
library instead of the learner's own code.

A graded cell imports this module afresh through :mod:`importlib` rather than using a
name defined in the notebook::

    import importlib

    grading = importlib.reload(importlib.import_module("lessons_lib.checks.grading"))
    grading.grade("ch05.check_inverted_dropout", my_dropout)

This is a guard against accidents and casual tampering, not a sandbox: code that runs in
the kernel can still patch NumPy, PyTorch or :mod:`importlib` itself.
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from collections.abc import Callable
from typing import Any

PACKAGE = "lessons_lib"
_CHECK = re.compile(r"(?P<module>ch\d\d)\.(?P<function>check_\w+)")


def fresh_check(check: str) -> Callable[[Callable[..., Any]], Any]:
    """Return the check function ``check`` from private, freshly loaded modules.

    Args:
        check: ``"chNN.check_name"``, e.g. ``"ch05.check_inverted_dropout"``.

    Returns:
        The check function, as defined in the file on disk.

    Raises:
        ValueError: if ``check`` is not of the form ``"chNN.check_name"``.
        AttributeError: if the chapter module has no such check.
    """
    match = _CHECK.fullmatch(check) if isinstance(check, str) else None
    if match is None:
        raise ValueError(
            f"check must be 'chNN.check_name' (e.g. 'ch05.check_inverted_dropout'), got {check!r}"
        )
    name = f"{PACKAGE}.checks.{match['module']}"
    ours = {k: m for k, m in sys.modules.items() if k == PACKAGE or k.startswith(PACKAGE + ".")}
    for key in ours:
        del sys.modules[key]
    try:
        module = importlib.import_module(name)  # fresh copies, loaded from disk
    finally:
        for key in [k for k in sys.modules if k == PACKAGE or k.startswith(PACKAGE + ".")]:
            del sys.modules[key]
        sys.modules.update(ours)
    return getattr(module, match["function"])


def _show(feedback: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is installed with Jupyter
        print(repr(feedback))
        return
    display(feedback)


def grade(check: str, answer: Callable[..., Any]) -> None:
    """Run the check ``check`` on ``answer``; raise if it does not pass.

    Args:
        check: ``"chNN.check_name"``, e.g. ``"ch05.check_inverted_dropout"``.
        answer: the learner's function.

    Returns nothing (a graded cell must not end in a value: nbgrader would read it as
    partial credit); the feedback is displayed instead.

    Raises:
        AssertionError: with the feedback's message, when the answer is not correct.
        ValueError: if ``check`` does not name a check.

    Example:
        >>> grade("ch01.check_polynomial_features", lambda x, d: 0)
        Traceback (most recent call last):
        ...
        AssertionError: ...
    """
    feedback = fresh_check(check)(answer)
    _show(feedback)
    if getattr(feedback, "passed", False) is not True:
        raise AssertionError(str(getattr(feedback, "message", feedback)))


def _library_names(fn: Any, seen: set[int] | None = None) -> list[str]:
    """Names of ``lessons_lib`` objects that ``fn``'s code uses (globals and closures)."""
    seen = set() if seen is None else seen
    code = getattr(fn, "__code__", None)
    if code is None or id(code) in seen:
        return []
    seen.add(id(code))
    found = []
    scope = dict(getattr(fn, "__globals__", {}))
    for cell_name, cell in zip(
        code.co_freevars, getattr(fn, "__closure__", None) or (), strict=False
    ):
        try:
            scope[cell_name] = cell.cell_contents
        except ValueError:  # an empty cell
            continue

    def codes(c: types.CodeType) -> list[types.CodeType]:
        inner = [k for k in c.co_consts if isinstance(k, types.CodeType)]
        return [c, *[d for k in inner for d in codes(k)]]

    for c in codes(code):
        for name in (*c.co_names, *c.co_freevars):
            value = scope.get(name)
            if value is None:
                continue
            if _from_library(value):
                found.append(name)
            elif isinstance(value, types.FunctionType) and value is not fn:
                found += _library_names(value, seen)
    return list(dict.fromkeys(found))


def _from_library(value: Any) -> bool:
    """Whether ``value`` is a module, function or class of the course library.

    Objects the library made (a model, a data split) are data, not code: a learner's
    function may use them.
    """
    if isinstance(value, types.ModuleType):
        return value.__name__.split(".")[0] == PACKAGE
    if not isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type)):
        return False
    module = getattr(value, "__module__", None)
    return isinstance(module, str) and module.split(".")[0] == PACKAGE


def require_own_code(answer: Callable[..., Any]) -> None:
    """Raise if ``answer`` is, or calls, a function of the course library.

    Args:
        answer: the learner's function.

    Raises:
        AssertionError: naming the library function, if ``answer`` comes from
            ``lessons_lib`` or its code uses an object imported from it.

    Example:
        >>> from lessons_lib.linear import polynomial_features
        >>> require_own_code(polynomial_features)
        Traceback (most recent call last):
        ...
        AssertionError: ...
    """
    if _from_library(answer):
        raise AssertionError(
            f"your answer is {answer.__module__}.{getattr(answer, '__name__', '')}, the "
            "course library's function: write the function yourself."
        )
    used = _library_names(answer)
    if used:
        raise AssertionError(
            f"your answer calls the course library ({', '.join(used)}): the exercise asks "
            "you to write that part yourself."
        )
