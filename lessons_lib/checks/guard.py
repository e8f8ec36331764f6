"""The grading guard: no code of the course library may compute a graded answer.

``lessons_lib`` holds tested versions of most exercises (later chapters use them), so
the library is one import away from every learner. While :func:`.grading.grade` checks
an answer, a :class:`LibraryGuard` watches every Python function call
(:func:`sys.setprofile`) and records a *violation* when code of the course library is
entered on the learner's behalf, that is when its nearest caller, skipping NumPy,
PyTorch and the standard library, is

* the learner's answer itself (the answer *is* a library function, a
  :func:`functools.partial` of one, a library class or object), or
* any code outside the library (the learner's function, a helper it calls, a default
  argument, a class's ``__call__``, an import or :func:`importlib.import_module` in the
  body, code the check runs later such as a returned object's ``__array__``).

The library calling itself (the check computing its reference) is not a violation, nor
are :data:`ALLOWED` helpers, nor the import of a library module (defining functions
computes nothing). The guard also records a violation when the answer turns the
profiler off or starts a thread or a process, where it could not watch.

Out of scope (it is a guard against handing in the library, not a sandbox): source text
copied out of the library (by hand, or ``inspect.getsource`` and ``exec``), code compiled
from it (``torch.jit.script``, ``torch.compile``), values the library computed before
the answer was called (a lookup table), and code that finds and edits the guard itself.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import sys
import sysconfig
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PACKAGE = "lessons_lib"
LIBRARY_DIR = Path(__file__).resolve().parents[1]

#: Library helpers a graded answer may call: they implement no exercise and take no
#: function as an argument (so they cannot call the library for the learner).
ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        ("lessons_lib.metrics", "mse"),
        ("lessons_lib.seeding", "base_seed"),
        ("lessons_lib.seeding", "make_generator"),
        ("lessons_lib.seeding", "seed_everything"),
        ("lessons_lib.seeding", "seeds"),
        ("lessons_lib.models", "count_parameters"),
    }
)


#: Methods of the checks' own instrumented inputs (a model that counts its forward
#: passes): a learner's code runs them by calling the model the check gave it, which
#: :meth:`LibraryGuard._method_of_given` trusts; listed too because an installed
#: (non-editable) copy, as on Colab, did not always match that test.
INSTRUMENTS: frozenset[tuple[str, str]] = frozenset(
    {("lessons_lib.checks.ch10_mc", "_Counted.forward")}
)


#: Whether every check (not only a graded cell) runs the learner's function under the
#: guard, so that the lesson's own check gives the same verdict as the graded cell. The
#: tests of the checks switch it off: they hand the checks the library's references.
IN_CHECKS = True


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Run a check's own preparation (building its cases) unwatched by any guard.

    A learner's code that calls this is caught at the call itself (a library function
    called for the learner), before anything is paused.
    """
    previous = sys.getprofile()
    sys.setprofile(None)
    try:
        yield
    finally:
        sys.setprofile(previous)


def allowed_helpers() -> list[str]:
    """The allowed helpers as ``module.function`` (for messages and the page)."""
    return sorted(f"{module}.{name}" for module, name in ALLOWED)


def _outside_roots() -> tuple[str, ...]:
    """Directories of the standard library and installed packages (trailing ``/``)."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(path)
    return tuple(str(Path(r).resolve()).rstrip(os.sep) + os.sep for r in roots if r)


_OUTSIDE = _outside_roots()
#: Builtins that would let the answer escape the guard (their calls are violations).
_ESCAPES = {
    id(f): name
    for name, f in {
        "sys.setprofile": sys.setprofile,
        "sys.settrace": sys.settrace,
        "threading.setprofile": threading.setprofile,
        "_thread.start_new_thread": _thread.start_new_thread,
        "os.fork": getattr(os, "fork", None),
        "os.system": os.system,
        "os.posix_spawn": getattr(os, "posix_spawn", None),
        "os.posix_spawnp": getattr(os, "posix_spawnp", None),
        "os.execv": os.execv,
        "os.execve": os.execve,
    }.items()
    if f is not None
}


class LibraryGuard:
    """Record the first time course-library code runs for the learner.

    Args:
        boundary: code objects of the grader's wrapper around the answer; a library
            function called straight from one of them is the answer itself.
        given: the arguments the check passes to the answer. Their methods (and those of
            a given model's submodules) are the check's inputs, not the learner's
            shortcut, even when the checks defined their class; the arguments a boundary
            frame receives are added as it is called.

    Attributes:
        violation: ``None``, or a sentence naming what ran (the first one only).

    Use as a context manager; the previous profiler is restored on exit.
    """

    def __init__(self, boundary: tuple[types.CodeType, ...] = (), given: tuple = ()) -> None:
        self.violation: str | None = None
        self._boundary = {id(c) for c in boundary}
        self._given: set[int] = set()
        self._keep_given: list[Any] = []
        self.give(given)
        self._kinds: dict[int, str] = {}
        self._keep: list[types.CodeType] = []  # keeps ids in _kinds valid
        self._previous: Any = None
        self._own = {id(LibraryGuard.__exit__.__code__)}  # leaving runs under the hook

    def give(self, values: Any) -> None:
        """Trust the methods of ``values`` (and of a given model's submodules)."""
        torch = sys.modules.get("torch")
        for value in values:
            found = [value]
            if torch is not None and isinstance(value, torch.nn.Module):
                found += list(value.modules())
            self._given.update(id(v) for v in found)
            self._keep_given += found

    def __enter__(self) -> LibraryGuard:
        self._previous = sys.getprofile()
        sys.setprofile(self._hook)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(self._previous)

    def _kind(self, frame: types.FrameType) -> str:
        """``"boundary"``, ``"library"``, ``"module"`` (a library import), ``"outside"``
        (standard library and installed packages) or ``"learner"``."""
        code = frame.f_code
        kind = self._kinds.get(id(code))
        if kind is not None:
            return kind
        name = str(frame.f_globals.get("__name__", ""))
        in_package = name == PACKAGE or name.startswith(PACKAGE + ".")
        filename = code.co_filename
        path = None if filename.startswith("<") else Path(filename).resolve()
        on_disk = path is not None and (LIBRARY_DIR in path.parents or PACKAGE in path.parts)
        if id(code) in self._boundary:
            kind = "boundary"
        elif on_disk and code.co_name == "<module>":
            kind = "module"
        elif on_disk or in_package:
            kind = "library"
        elif filename.startswith("<frozen ") or (
            path is not None and str(path).startswith(_OUTSIDE)
        ):
            kind = "outside"
        else:
            kind = "learner"
        self._kinds[id(code)] = kind
        self._keep.append(code)
        return kind

    def _called_for_learner(self, frame: types.FrameType) -> bool:
        caller = frame.f_back
        while caller is not None:
            kind = self._kind(caller)
            if kind in ("boundary", "learner"):
                return True
            if kind in ("library", "module"):
                return False
            caller = caller.f_back
        return False

    def _method_of_given(self, frame: types.FrameType, module: str, qualname: str) -> bool:
        """Whether ``frame`` runs a method of its own class on an input the check gave."""
        code = frame.f_code
        if not (code.co_argcount and code.co_varnames[0] == "self" and "." in qualname):
            return False
        obj = frame.f_locals.get("self")
        if id(obj) not in self._given:
            return False
        owner = qualname.rsplit(".", 1)[0]
        return any(k.__qualname__ == owner and k.__module__ == module for k in type(obj).__mro__)

    def _hook(self, frame: types.FrameType, event: str, arg: Any) -> None:
        if self.violation is not None:
            return
        if event == "c_call":
            escape = _ESCAPES.get(id(arg))
            if escape is not None and self._kind(frame) not in ("library", "module"):
                self.violation = (
                    f"your function called {escape}, which grading does not allow "
                    "(it would run code the grader cannot see)."
                )
            return
        if event != "call" or id(frame.f_code) in self._own:
            return
        kind = self._kind(frame)
        if kind == "boundary":
            self.give((*frame.f_locals.get("args", ()), *frame.f_locals.get("kwargs", {}).values()))
        if kind != "library":
            return
        name = str(frame.f_globals.get("__name__", "")) or Path(frame.f_code.co_filename).stem
        qualname = frame.f_code.co_qualname
        if self._method_of_given(frame, name, qualname):
            return
        if (name, qualname) in ALLOWED | INSTRUMENTS or not self._called_for_learner(frame):
            return
        self.violation = (
            f"your function runs the course library's {name}.{qualname}: the exercise asks "
            "you to write this part yourself, with NumPy or PyTorch."
        )
