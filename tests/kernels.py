"""Jupyter kernels that talk over Unix sockets instead of TCP ports.

pytest-xdist runs two workers, and each starts kernels (nbval for the chapters, nbclient
for the student notebooks). ``jupyter_client`` picks a TCP port by binding port 0 and
releasing it; the kernel binds it a moment later. In that gap the other worker's kernel
client may take the same ephemeral port for an outgoing connection, and the new kernel
dies with "Address already in use" (seen on CI as "Kernel died before replying to
kernel_info"). IPC sockets live at file paths, so giving every kernel its own directory
removes the race.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from jupyter_client.manager import KernelManager
from traitlets import default

T = TypeVar("T")
_SOCKET_DIR = Path(tempfile.mkdtemp(prefix="lessons-kernels-"))
atexit.register(shutil.rmtree, _SOCKET_DIR, ignore_errors=True)


class IpcKernelManager(KernelManager):
    """A ``KernelManager`` whose kernels listen on IPC sockets in a private directory."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        # An absolute path: the kernel and its client run in different directories.
        return str(_SOCKET_DIR / uuid.uuid4().hex[:12])


def with_retries(start: Callable[..., T], attempts: int = 3) -> Callable[..., T]:
    """``start`` called again, up to ``attempts`` times in all, while it raises RuntimeError.

    A kernel that dies during start-up makes ``start_new_kernel`` raise RuntimeError
    ("Kernel died before replying to kernel_info"); any other error is not retried.
    """

    @functools.wraps(start)
    def start_with_retries(*args: Any, **kwargs: Any) -> T:
        for attempt in range(1, attempts + 1):
            try:
                return start(*args, **kwargs)
            except RuntimeError:
                if attempt == attempts:
                    raise
        raise AssertionError("unreachable")  # the loop returns or raises

    start_with_retries.retries = attempts  # type: ignore[attr-defined]
    return start_with_retries


def use_ipc_kernels_in_nbval(attempts: int = 3) -> None:
    """Make nbval start its kernels with :class:`IpcKernelManager`.

    A kernel that still dies during start-up (for any other reason) is started again,
    up to ``attempts`` times, before the notebook's cells are reported as errors.
    """
    import nbval.kernel

    nbval.kernel.KernelManager = IpcKernelManager
    if getattr(nbval.kernel.start_new_kernel, "retries", False):
        return
    nbval.kernel.start_new_kernel = with_retries(nbval.kernel.start_new_kernel, attempts)
