"""Masanchi Sources: answers with verbatim, offset-checked quotes from five news articles.

    from qa import answer
    answer("How many people were killed?").to_dict()
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from qa.engine import Engine
from qa.types import CANNOT_ANSWER, Answer, Citation, Claim, ContestedPoint, Disagreement

__all__ = [
    "CANNOT_ANSWER", "Answer", "Citation", "Claim", "ContestedPoint", "Disagreement", "Engine",
    "answer", "catalogue", "engine", "warm_up",
]

_engine: Engine | None = None
_engine_lock = threading.Lock()


def engine(progress: Callable[[str], None] | None = None) -> Engine:
    """The process-wide engine (created on first use)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = Engine(progress=progress) if progress else Engine()
        elif progress:
            _engine.progress = progress
        return _engine


def answer(question: str, history: list | None = None) -> Answer:
    """Answer a question from the five articles, with numbered verbatim quotes, or refuse.
    ``history``: earlier turns, oldest first (strings or objects with at least "question")."""
    return engine().answer(question, history)


def catalogue() -> list[ContestedPoint]:
    """The corpus's contested points: what every source says about each."""
    return engine().catalogue()


def warm_up(progress: Callable[[str], None] | None = None) -> None:
    """Build or load the index and the models now, reporting progress messages."""
    engine(progress).warm_up()
    if progress:
        progress("Ready.")
