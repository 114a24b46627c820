"""Headline results that a notebook reports, and that the benchmark collects.

A notebook calls ``record("test accuracy", 0.912)``; the line it prints,
``[result] test accuracy: 0.912``, is what ``benchmarks/run_notebooks.py`` reads back.
"""

from __future__ import annotations

import re

RESULT_LINE = re.compile(r"^\[result\] (?P<name>[^:]+): (?P<value>.+)$", re.MULTILINE)


def record(name: str, value: float | int | str, fmt: str = ".4g") -> None:
    """Print one headline result in the form the benchmark reads."""
    if ":" in name:
        raise ValueError(f"A result name cannot contain ':', got {name!r}.")
    shown = format(value, fmt) if isinstance(value, (int, float)) else str(value)
    print(f"[result] {name}: {shown}")


def parse_results(text: str) -> dict[str, str]:
    """Every ``[result] name: value`` line of ``text``, as a dict (later lines win)."""
    return {match["name"]: match["value"].strip() for match in RESULT_LINE.finditer(text)}
