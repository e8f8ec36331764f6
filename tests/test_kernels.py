"""The test suite's kernels use IPC sockets (tests/kernels.py), not racing TCP ports."""

from __future__ import annotations

import os
import sys

import nbval.kernel
import pytest
from kernels import IpcKernelManager, with_retries


def test_kernels_listen_on_private_ipc_sockets():
    first, second = IpcKernelManager(), IpcKernelManager()
    assert first.transport == second.transport == "ipc"
    assert os.path.isabs(first.ip)  # the kernel and its client run in different folders
    assert first.ip != second.ip  # no two kernels share a socket path


def test_nbval_starts_ipc_kernels():
    assert nbval.kernel.KernelManager is IpcKernelManager


def test_a_kernel_that_dies_at_start_up_is_started_again(monkeypatch):
    # The first kernel's command exits at once, as a kernel that loses the race for its
    # port does: nbval's start_new_kernel raises, and the retry starts a second one.
    commands = []

    class DiesOnce(IpcKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            if not commands:
                cmd = [sys.executable, "-c", "raise SystemExit(1)"]
            commands.append(cmd)
            return cmd

    monkeypatch.setattr(nbval.kernel, "KernelManager", DiesOnce)
    with pytest.raises(RuntimeError):  # without the retry the start fails
        nbval.kernel.start_new_kernel.__wrapped__(startup_timeout=60, kernel_name="python3")
    commands.clear()
    km, kc = nbval.kernel.start_new_kernel(startup_timeout=60, kernel_name="python3")
    try:
        assert len(commands) == 2  # one dead kernel, then a live one
        reply = kc.execute_interactive("6 * 7", timeout=60)
        assert reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_retries_give_up_after_the_last_attempt_and_skip_other_errors():
    calls = []

    def always_dies():
        calls.append(1)
        raise RuntimeError("Kernel died before replying to kernel_info")

    with pytest.raises(RuntimeError, match="Kernel died"):
        with_retries(always_dies, attempts=3)()
    assert len(calls) == 3

    calls.clear()

    def bad_spec():
        calls.append(1)
        raise ValueError("no such kernel")

    with pytest.raises(ValueError, match="no such kernel"):
        with_retries(bad_spec, attempts=3)()
    assert len(calls) == 1
