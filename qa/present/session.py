"""What the app reads from ``qa``: warm-up status, the articles, the catalogue. No Gradio here.

Warm-up runs once in a background thread so the page (and the article viewer) is usable while
the index loads. Articles come from the engine's store once it is ready (it reloads after a
seed edit), and straight from ``seeds/`` before that: never from a private cache.
"""

from __future__ import annotations

import threading
import time

import qa
from index.types import Article, Source
from qa.present.messages import t

#: how long a question waits for the index before giving up (seconds)
READY_TIMEOUT_S = 600.0


class Warmup:
    """Starts ``qa.warm_up`` once in a thread and remembers how it went."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self.started_at = 0.0
        self.error = ""

    def start(self) -> None:
        """Start warming up (idempotent)."""
        with self._lock:
            if self._thread is None:
                self.started_at = time.monotonic()
                self._thread = threading.Thread(target=self._run, name="qa-warm-up", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        try:
            qa.warm_up()
            qa.catalogue()
        except Exception as exc:  # shown in the status line; the viewer still works
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self._done.set()

    @property
    def ready(self) -> bool:
        """True once warm-up has finished without error."""
        return self._done.is_set() and not self.error

    @property
    def finished(self) -> bool:
        """True once warm-up has finished, successfully or not."""
        return self._done.is_set()

    def wait(self, timeout: float = READY_TIMEOUT_S) -> None:
        """Block until ready; raises RuntimeError with a plain message otherwise."""
        self.start()
        if not self._done.wait(timeout):
            raise RuntimeError(t("en", "status_wait", seconds=int(timeout)))
        if self.error:
            raise RuntimeError(t("en", "status_error", error=self.error))

    def status(self, language: str = "en") -> str:
        """One status line for the top of the page."""
        if not self._done.is_set():
            waited = int(time.monotonic() - self.started_at) if self.started_at else 0
            return t(language, "status_wait", seconds=waited)
        if self.error:
            return t(language, "status_error", error=self.error)
        return t(language, "status_ready")


WARMUP = Warmup()


def articles() -> dict[str, Article]:
    """The articles by doc_id: the engine's store when ready, else read from seeds/ now."""
    if WARMUP.ready:
        return dict(qa.engine().corpus().store.articles)
    from index.corpus import load_articles

    return {a.doc_id: a for a in load_articles()}


def sources() -> dict[str, Source]:
    """Article metadata by doc_id."""
    return {doc_id: a.source for doc_id, a in articles().items()}


def answer(question: str, history: list | None = None) -> qa.Answer:
    """Wait for the index, then answer (answers run concurrently: no lock here)."""
    WARMUP.wait()
    if history:
        return qa.engine().answer(question, history=history)
    return qa.answer(question)


def catalogue() -> list:
    """The contested points, or [] until the index is ready."""
    return list(qa.catalogue()) if WARMUP.ready else []
