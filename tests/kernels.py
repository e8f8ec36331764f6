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
import shutil
import tempfile
import uuid
from pathlib import Path

from jupyter_client.manager import KernelManager
from traitlets import default

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


def use_ipc_kernels_in_nbval(attempts: int = 3) -> None:
    """Make nbval start its kernels with :class:`IpcKernelManager`.

    A kernel that still dies during start-up (for any other reason) is started again,
    up to ``attempts`` times, before the notebook's cells are reported as errors.
    """
    import nbval.kernel

    nbval.kernel.KernelManager = IpcKernelManager
    start = nbval.kernel.start_new_kernel
    if getattr(start, "retries", False):
        return

    def start_with_retries(*args, **kwargs):
        for attempt in range(1, attempts + 1):
            try:
                return start(*args, **kwargs)
            except RuntimeError:
                if attempt == attempts:
                    raise

    start_with_retries.retries = True
    nbval.kernel.start_new_kernel = start_with_retries
