"""Test scheduling for pytest-xdist (``make test`` runs ``-n 2 --dist loadgroup``).

nbval turns every notebook cell into a test item, and a notebook's cells must run in
order in one kernel: each notebook becomes one xdist group. Everything else (unit
tests, the per-chapter student-notebook tests) is spread over the workers one test at a
time, which keeps both cores busy until the end.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.split("::")[0].endswith(".ipynb"):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
