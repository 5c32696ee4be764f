"""Streaming a set of CSV files so that an interrupted run never looks complete.

Every file is written as `<name>.partial` and only renamed to its real name after the
last chunk is in. Stale outputs of earlier runs are removed first, so a crash leaves
only `.partial` files behind instead of a mix of old complete files and new ones.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO

import numpy as np

from .text import render_batches

PARTIAL_SUFFIX = ".partial"


def partial_path(path: Path) -> Path:
    """Where `path` is written until the run completes."""
    return path.with_name(path.name + PARTIAL_SUFFIX)


class PartialCsvSet:
    """A group of CSV files published together when the `with` block succeeds."""

    def __init__(
        self, targets: Mapping[str, tuple[Path, tuple[str, ...]]], stale: Iterable[Path] = ()
    ) -> None:
        self._targets = dict(targets)
        self._stale = list(stale)
        self._handles: dict[str, IO[str]] = {}
        self.rows: Counter[str] = Counter()

    def __enter__(self) -> PartialCsvSet:
        for path in [*self._stale, *(p for p, _ in self._targets.values())]:
            path.unlink(missing_ok=True)
            partial_path(path).unlink(missing_ok=True)
        for key, (path, header) in self._targets.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(partial_path(path), "w", encoding="utf-8", newline="")  # noqa: SIM115
            self._handles[key] = handle
            handle.write(",".join(header) + "\n")
            self.rows[key] = 0
        return self

    def write(self, key: str, columns: Mapping[str, np.ndarray]) -> None:
        """Append rows; the columns must be exactly the file's header, in order."""
        header = self._targets[key][1]
        if tuple(columns) != header:
            raise ValueError(f"{key}: columns {tuple(columns)} do not match contract {header}")
        handle = self._handles[key]
        for text in render_batches([columns[name] for name in header]):
            handle.write(text)
        self.rows[key] += len(columns[header[0]])

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for handle in self._handles.values():
            handle.close()
        for path, _ in self._targets.values():
            if exc_type is None:
                os.replace(partial_path(path), path)
            else:
                partial_path(path).unlink(missing_ok=True)
