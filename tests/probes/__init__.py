"""Held-out probes of the exercise checks (see :mod:`probes.core`)."""
