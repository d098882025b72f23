"""What the app reads from ``qa``: warm-up status, the articles, the catalogue. No Gradio here.

Warm-up runs once in a background thread so the page (and the article viewer) is usable while
the index loads; it ends by checking which first-visit suggestions the engine answers
confidently (within :data:`SUGGEST_BUDGET_S`). Articles come from the engine's store once it
is ready (it reloads after a seed edit), and straight from ``seeds/`` before that: never from
a private cache. Also: the feedback database path and the index manifest hash.
"""

from __future__ import annotations

import collections
import hashlib
import json
import threading
import time
from pathlib import Path

import qa
import qa.suggest
from index.types import Article, Source
from qa.present.messages import lang_of, point_label, t
from qa.settings import Settings

#: how long a question waits for the index before giving up (seconds)
READY_TIMEOUT_S = 600.0
#: seconds of warm-up spent checking first-visit suggestions (each is one answer, ~0.7 s)
SUGGEST_BUDGET_S = 5.0
#: entity kinds a suggestion can be about (spaCy labels; NORP, dates and numbers are not)
ENTITY_KINDS = frozenset({"PERSON", "GPE", "LOC", "FAC", "ORG"})


class Warmup:
    """Starts ``qa.warm_up`` once in a thread and remembers how it went."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self.started_at = 0.0
        self.error = ""
        self.checking = False  #: the index is loaded; first-visit suggestions being checked

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
            self.checking = True
            _check_first_suggestions()
        except Exception as exc:  # shown in the status line; the viewer still works
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.checking = False
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


def settings() -> Settings:
    """The engine's settings (limits the server applies, the feedback path)."""
    return qa.engine().settings


def answer(question: str, history: list | None = None) -> qa.Answer:
    """Wait for the index, then answer (answers run concurrently: no lock here)."""
    if not WARMUP.checking:  # the index is loaded while the suggestions are being checked
        WARMUP.wait()
    if history:
        return qa.engine().answer(question, history=history)
    return qa.answer(question)


def catalogue() -> list:
    """The contested points, or [] until the index is ready."""
    return list(qa.catalogue()) if WARMUP.ready or WARMUP.checking else []


# --------------------------------------------------------------------------- feedback


def feedback_db() -> Path:
    """Where reader marks are stored (Settings.feedback_db; MASANCHI_FEEDBACK_DB overrides)."""
    return Path(settings().feedback_db)


def manifest_hash() -> str:
    """sha256 of the index manifest that answers now ("" before the index is loaded)."""
    if not (WARMUP.ready or WARMUP.checking):
        return ""
    manifest = qa.engine().corpus().store.manifest
    return hashlib.sha256(json.dumps(manifest, sort_keys=True).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- suggestions

_inputs: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
_point_ids: dict[str, str] = {}  #: English label -> point id (for the Russian label)
_first: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}


def suggestion_inputs() -> tuple[list[str], list[tuple[str, str]]]:
    """(contested point labels, most sources first; (entity, kind) pairs, most sentences first),
    from the catalogue and the index's sentence annotations; ([], []) before the index."""
    key = manifest_hash()
    if not key:
        return [], []
    if key not in _inputs:
        points = sorted(
            (p for p in qa.engine().catalogue() if p.contested),
            key=lambda p: -len({c.doc_id for c in p.claims}),
        )
        _point_ids.update({p.label: p.point for p in points})
        _inputs[key] = ([p.label for p in points], _entities(qa.engine().corpus().store))
    return _inputs[key]


def _entities(store: object) -> list[tuple[str, str]]:
    """Names with one clear kind (≥ 70 % of their mentions), in ≥ 2 sentences, most sentences
    first; a name with a plural form among the names (Kazakh/Kazakhs, Dungan/Dungans) is a
    people, not a place or a person, and is left out."""
    votes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    seen: dict[str, set[int]] = collections.defaultdict(set)
    for sent, ann in zip(store.sentences, store.annotations, strict=False):
        for label, start, end in ann.entities:
            name = sent.text[start:end].strip()
            votes[name][label] += 1
            seen[name].add(sent.id)
    out = []
    for name in sorted(votes, key=lambda n: (-len(seen[n]), n)):
        label, n = votes[name].most_common(1)[0]
        plural = f"{name}s" in votes or (name.endswith("s") and name[:-1] in votes)
        if (
            label in ENTITY_KINDS
            and n >= 0.7 * sum(votes[name].values())
            and len(seen[name]) >= 2
            and not plural
            and name[:1].isupper()
        ):
            out.append((name, label))
    return out


def _check_first_suggestions() -> None:
    """Answer each first-visit candidate (a point's or an entity's question, in English) and
    keep the points and entities by how confidently they are answered, refusals dropped
    (until the time budget is spent; unchecked ones follow in their own order)."""
    key = manifest_hash()
    points, entities = suggestion_inputs()
    candidates = [([p], []) for p in points[:3]] + [([], [e]) for e in entities[:5]]
    scored, deadline = [], time.monotonic() + SUGGEST_BUDGET_S
    for i, (ps, es) in enumerate(candidates):
        if time.monotonic() > deadline:
            break
        try:
            ans = qa.engine().answer(qa.suggest.suggest(None, "en", ps, es)[0])
        except Exception:  # a failed check only drops that suggestion
            continue
        if not ans.refused:
            scored.append((not ans.confident, -ans.confidence, i, ps, es))
    scored.sort(key=lambda x: x[:3])
    _first[key] = ([p for *_, ps, _ in scored for p in ps], [e for *_, es in scored for e in es])


def suggestions(answer: dict | None, language: str | None) -> list[str]:
    """2–4 next questions (qa.suggest) in ``language``: on a first visit (answer None) from
    the points and entities checked at warm-up (all of them when too few passed)."""
    points, entities = suggestion_inputs()
    if not points and not entities:
        return []
    if answer is None:
        kept_p, kept_e = _first.get(manifest_hash(), ([], []))
        if len(kept_p) + len(kept_e) >= qa.suggest.MIN_SUGGESTIONS:  # else unchecked, in order
            points, entities = kept_p, kept_e
    else:
        language = answer.get("language") or language
    language = lang_of(language)
    labels = [point_label(_point_ids.get(p, ""), p, language) for p in points]
    return qa.suggest.suggest(answer, language, labels, entities)
