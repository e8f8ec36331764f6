"""The test suite's kernels use IPC sockets (tests/kernels.py), not racing TCP ports."""

from __future__ import annotations

import os

import nbval.kernel
from kernels import IpcKernelManager


def test_kernels_listen_on_private_ipc_sockets():
    first, second = IpcKernelManager(), IpcKernelManager()
    assert first.transport == second.transport == "ipc"
    assert os.path.isabs(first.ip)  # the kernel and its client run in different folders
    assert first.ip != second.ip  # no two kernels share a socket path


def test_nbval_starts_ipc_kernels_and_retries_a_failed_start():
    assert nbval.kernel.KernelManager is IpcKernelManager
    assert getattr(nbval.kernel.start_new_kernel, "retries", False)
