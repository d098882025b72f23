"""The answering engine: holds the loaded index and models, answers questions, builds the
catalogue of contested points. I/O (index loading, seed checks) happens here and nowhere else
in qa/."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from index.embed import Embedder, minilm, use
from index.store import load_or_build
from index.text import is_russian, terms
from qa.compose import compose_text, number_citations
from qa.disagree import account_disagreement, contested, figure_disagreements
from qa.inputs import check_question
from qa.points import load_points, question_points
from qa.refuse import asks_for_quantity, refusal_reason
from qa.retrieve import Corpus, Query, prepare, score_sentences, search_chunks, unknown_names
from qa.select import select_evidence
from qa.settings import Settings
from qa.types import CANNOT_ANSWER, Answer, Claim, ContestedPoint, Evidence

Progress = Callable[[str], None]


def _silent(_: str) -> None:
    return None


def seeds_fingerprint(seeds_dir: Path) -> tuple:
    """Cheap identity of the seed files (names, sizes, mtimes) to notice edits at run time."""
    return tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(seeds_dir.glob("*")) if p.suffix in {".txt", ".toml"}
    )


class Engine:
    """Loads (or builds) the index on first use and reloads it when a seed file changes."""

    def __init__(self, settings: Settings | None = None, progress: Progress = _silent,
                 embedder: Embedder | None = None, use_embedder: Embedder | None = None):
        self.settings = settings or Settings.from_env()
        self.progress = progress
        self._embedder = embedder
        self._use_embedder = use_embedder
        self._corpus: Corpus | None = None
        self._fingerprint: tuple | None = None
        self._catalogue: list[ContestedPoint] | None = None
        self._lock = threading.Lock()

    # -- loading -------------------------------------------------------------------------
    def corpus(self) -> Corpus:
        """The prepared corpus, loading or rebuilding the index if needed."""
        fp = seeds_fingerprint(self.settings.index.seeds_dir)
        if self._corpus is not None and fp == self._fingerprint:
            return self._corpus
        with self._lock:
            fp = seeds_fingerprint(self.settings.index.seeds_dir)
            if self._corpus is None or fp != self._fingerprint:
                if self._corpus is not None:
                    self.progress("A seed file changed; reloading the index …")
                store = load_or_build(self.settings.index, self.progress, self.embedder,
                                      self.use_embedder if self.settings.index.multilingual
                                      else None)
                self._corpus = prepare(store)
                self._fingerprint = fp
                self._catalogue = None
        return self._corpus

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = minilm()
        return self._embedder

    @property
    def use_embedder(self) -> Embedder:
        if self._use_embedder is None:
            self._use_embedder = use()
        return self._use_embedder

    def warm_up(self) -> None:
        """Load everything a first question needs, so it answers at warm speed."""
        self.corpus()
        self.embedder.encode(["warm up"])
        if self.settings.index.multilingual:
            self.use_embedder.encode(["разогрев"])

    # -- answering -----------------------------------------------------------------------
    def query(self, text: str) -> Query:
        lang = "ru" if is_russian(text) else "en"
        vec = self.embedder.encode([text])[0] if lang == "en" else None
        use_vec = (self.use_embedder.encode([text])[0]
                   if lang == "ru" and self.settings.index.multilingual else None)
        return Query(text, tuple(terms(text)), lang, vec, use_vec, tuple(question_points(text)))

    def evidence(self, corpus: Corpus, query: Query) -> list[Evidence]:
        """Scored sentences; a question about an account point is also matched against the
        point's own wording (points.toml), keeping each sentence's better score."""
        hits = search_chunks(corpus, query, self.settings)
        scored = {e.sentence_id: e for e in score_sentences(corpus, query, hits, self.settings)}
        for p in query.points:
            if p.kind == "account" and p.query and query.language == "en":
                expanded = self.query(p.query)
                for e in score_sentences(corpus, expanded,
                                         search_chunks(corpus, expanded, self.settings),
                                         self.settings):
                    if e.sentence_id not in scored or e.score > scored[e.sentence_id].score:
                        scored[e.sentence_id] = e
        return sorted(scored.values(), key=lambda e: (-e.score, e.sentence_id))

    def diagnose(self, question: str) -> dict:
        """The features the refusal decision uses, without deciding (for calibration)."""
        checked = check_question(question, self.settings.max_question_chars)
        if checked.problem:
            return {"invalid": True, "forced_refusal": True, "best": 0.0, "language": "en"}
        corpus = self.corpus()
        query = self.query(checked.text)
        evidence = self.evidence(corpus, query)
        missing = unknown_names(corpus, checked.text) if query.language == "en" else []
        return {"invalid": False, "forced_refusal": bool(missing), "language": query.language,
                "best": evidence[0].score if evidence else 0.0}

    def answer(self, question: str) -> Answer:
        """Answer with verbatim quotes, or refuse; never raises on bad input."""
        t0 = time.perf_counter()
        checked = check_question(question, self.settings.max_question_chars)
        if checked.problem:
            return Answer(question=question if isinstance(question, str) else repr(question),
                          refused=True, text=checked.problem, status="invalid",
                          message=checked.problem)
        corpus = self.corpus()
        query = self.query(checked.text)
        t1 = time.perf_counter()
        evidence = self.evidence(corpus, query)
        t2 = time.perf_counter()
        best = evidence[0].score if evidence else 0.0
        threshold = (self.settings.refuse_below_ru if query.language == "ru"
                     else self.settings.refuse_below)
        missing = unknown_names(corpus, checked.text) if query.language == "en" else []
        selected = select_evidence(evidence, corpus, query, self.settings)
        reason = refusal_reason(best, threshold, missing, asks_for_quantity(checked.text),
                                [e.text for e in selected])
        timings = {"encode": (t1 - t0) * 1000, "retrieve": (t2 - t1) * 1000}
        if reason:
            timings["total"] = (time.perf_counter() - t0) * 1000
            return Answer(question=question, refused=True, text=f"{CANNOT_ANSWER}\n\n_{reason}_",
                          status="refused", message=reason, language=query.language,
                          timings_ms=timings)
        sources = {d: a.source for d, a in corpus.store.articles.items()}
        citations = number_citations(selected, sources)
        for c in citations:  # the invariant, checked against the text the index was built on
            if corpus.store.articles[c.doc_id].text[c.start:c.end] != c.quote:
                raise RuntimeError(f"quote [{c.n}] does not match {c.doc_id}; index is stale")
        sentence_at = {(e.doc_id, e.start): e.sentence_id for e in selected}
        sent_of = {c.n: sentence_at[c.doc_id, c.start] for c in citations}
        figs = {n: corpus.sentence_figures[s] for n, s in sent_of.items()}
        asked = {p.id for p in query.points if p.kind == "figure"}
        disagreements = figure_disagreements(citations, figs, asked or None)
        for p in query.points:
            if p.kind == "account":
                speaking = {n for n, s in sent_of.items() if p.id in corpus.sentence_accounts[s]}
                if d := account_disagreement(p, citations, speaking):
                    disagreements.append(d)
        text = compose_text(citations, disagreements, sources)
        timings["total"] = (time.perf_counter() - t0) * 1000
        return Answer(question=question, refused=False, text=text, citations=tuple(citations),
                      disagreements=tuple(disagreements), language=query.language,
                      timings_ms=timings)

    # -- catalogue -----------------------------------------------------------------------
    def catalogue(self) -> list[ContestedPoint]:
        """Every contested point with what each source says (computed once per index)."""
        corpus = self.corpus()
        if self._catalogue is not None:
            return self._catalogue
        store = corpus.store
        rows = []
        for p in load_points():
            claims: list[Claim] = []
            if p.kind == "figure":
                seen: set[tuple[str, str]] = set()
                for i, figs in enumerate(corpus.sentence_figures):
                    s = store.sentences[i]
                    for f in figs:
                        if f.point == p.id and (s.doc_id, f.normal) not in seen:
                            seen.add((s.doc_id, f.normal))
                            claims.append(Claim(s.doc_id, store.articles[s.doc_id].source.name,
                                                f.text, (), s.text, s.start, s.end))
                docs = {doc for doc, _ in seen}
                is_contested = len(docs) >= 2 and contested({n for _, n in seen})
            else:
                ev = self.evidence(corpus, replace(self.query(p.query), points=(p,)))
                for doc_id in store.articles:
                    e = next((e for e in ev if e.doc_id == doc_id
                              and p.id in corpus.sentence_accounts[e.sentence_id]), None)
                    if e:
                        claims.append(Claim(doc_id, store.articles[doc_id].source.name, e.text,
                                            (), e.text, e.start, e.end))
                is_contested = len(claims) >= 2
            claims.sort(key=lambda c: (c.doc_id, c.start))
            rows.append(ContestedPoint(p.id, p.label, p.kind, tuple(claims), is_contested))
        self._catalogue = rows
        return rows

