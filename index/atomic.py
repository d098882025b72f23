"""Cache files written whole or not at all: a process reading a cache while another writes it
(two builds, the app's workers, tests) never sees half a file."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


def write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """``write(fh)`` into a temporary file beside ``path``, then put it in place in one step.
    Raises OSError when the folder cannot be written (the caller decides whether that matters)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_pickle(path: Path, value: Any) -> None:
    """``value`` pickled into ``path`` atomically."""
    write_atomically(path, lambda fh: pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL))


def read_pickle(path: Path) -> Any | None:
    """What ``path`` holds, or None when it is missing or unreadable (truncated, corrupt, or
    written by code whose classes have changed)."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, TypeError, ValueError, AttributeError,
            ImportError):
        return None
