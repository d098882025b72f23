"""Hybrid retrieval: BM25 + dense over chunks fused by reciprocal rank, then sentence scoring.

The functions here are pure over a :class:`Corpus` (the loaded store plus derived lexical
tables) and a :class:`Query` (the question's terms and vectors).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from index.store import Store
from index.text import terms
from qa.points import Figure, Point, figures, load_points, mentions
from qa.settings import Settings
from qa.types import Evidence, Hit

_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,}(?:[-’'][A-Za-z]+)*)\b")
#: Capitalised question words that are not names.
_NOT_NAMES = frozenset(
    "What Who Whom Whose When Where Why How Which Did Does Was Were Is Are Can Could Should "
    "Would Tell Give List Please According Have Has Had Do The Ignore Say Show Explain".split()
)


@dataclass(frozen=True)
class Corpus:
    """A loaded store plus tables derived from it once (term sets, idf, figures)."""

    store: Store
    sentence_terms: tuple[frozenset[str], ...]
    idf: dict[str, float]
    max_idf: float
    sentence_figures: tuple[tuple[Figure, ...], ...]
    sentence_accounts: tuple[frozenset[str], ...]  #: account points each sentence speaks to
    vocabulary: frozenset[str]  #: lower-cased words of the whole corpus


def prepare(store: Store) -> Corpus:
    """Derive term sets, idf and stated figures for every sentence."""
    sent_terms = tuple(frozenset(terms(s.text)) for s in store.sentences)
    df = Counter(t for ts in sent_terms for t in ts)
    n = max(len(sent_terms), 1)
    idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    max_idf = math.log(1 + (n + 0.5) / 0.5)
    sent_figs = []
    for i, s in enumerate(store.sentences):
        prev = store.sentences[i - 1] if i else None
        context = prev.text if prev is not None and prev.doc_id == s.doc_id else ""
        sent_figs.append(tuple(figures(s.text, context)))
    accounts = [p for p in load_points() if p.kind == "account"]
    sent_accounts = tuple(
        frozenset(p.id for p in accounts if mentions(s.text, p)) for s in store.sentences
    )
    vocab = frozenset(
        w.lower() for a in store.articles.values() for w in re.findall(r"[^\W\d_]+", a.text)
    )
    return Corpus(store, sent_terms, idf, max_idf, tuple(sent_figs), sent_accounts, vocab)


@dataclass(frozen=True)
class Query:
    """A question prepared for retrieval."""

    text: str
    terms: tuple[str, ...]
    language: str  #: "en" or "ru"
    vector: np.ndarray | None  #: MiniLM (English questions)
    use_vector: np.ndarray | None  #: multilingual USE (Russian questions)
    points: tuple[Point, ...] = ()


def rrf(ranked: list[list[int]], k: int = 60) -> dict[int, float]:
    """Reciprocal rank fusion: sum over lists of 1 / (k + rank), rank from 1."""
    fused: dict[int, float] = {}
    for ids in ranked:
        for rank, i in enumerate(ids, start=1):
            fused[i] = fused.get(i, 0.0) + 1.0 / (k + rank)
    return fused


def _bm25_top(retriever, query_terms: tuple[str, ...], n: int) -> list[int]:
    if not query_terms:
        return []
    scores = retriever.get_scores(list(query_terms))
    order = np.argsort(-scores)[:n]
    return [int(i) for i in order if scores[i] > 0]


def search_chunks(corpus: Corpus, query: Query, settings: Settings) -> list[Hit]:
    """Top chunks by BM25 and dense similarity, fused by reciprocal rank."""
    store = corpus.store
    n = min(len(store.chunks), max(settings.top_chunks * 4, 20))
    bm25_ids = _bm25_top(store.bm25_chunks, query.terms, n)
    dense_ids: list[int] = []
    if query.vector is not None:
        _, idx = store.chunk_index.search(query.vector[None, :].astype(np.float32), n)
        dense_ids = [int(i) for i in idx[0] if i >= 0]
    fused = rrf([bm25_ids, dense_ids], settings.rrf_k)
    bm25_rank = {c: r for r, c in enumerate(bm25_ids, 1)}
    dense_rank = {c: r for r, c in enumerate(dense_ids, 1)}
    top = sorted(fused, key=lambda c: -fused[c])[: settings.top_chunks]
    return [Hit(c, fused[c], bm25_rank.get(c), dense_rank.get(c)) for c in top]


def lexical_overlap(corpus: Corpus, query_terms: tuple[str, ...], sentence_id: int) -> float:
    """Share of the question's idf mass whose terms the sentence contains (terms unknown to the
    corpus weigh the most, so a question about something absent scores low)."""
    if not query_terms:
        return 0.0
    uniq = set(query_terms)
    total = sum(corpus.idf.get(t, corpus.max_idf) for t in uniq)
    have = sum(corpus.idf[t] for t in uniq if t in corpus.sentence_terms[sentence_id])
    return have / total if total else 0.0


def score_sentences(
    corpus: Corpus, query: Query, hits: list[Hit], settings: Settings
) -> list[Evidence]:
    """Score candidate sentences (in the top chunks, or top by sentence-level search)."""
    store = corpus.store
    top_fused = max((h.score for h in hits), default=0.0) or 1.0
    chunk_score = {h.chunk_id: h.score / top_fused for h in hits}
    cands: set[int] = {s for h in hits for s in store.chunks[h.chunk_id].sentence_ids}
    if query.language == "ru" and query.use_vector is not None and store.use_vectors is not None:
        dense_all = store.use_vectors @ query.use_vector
    elif query.vector is not None:
        dense_all = store.sentence_vectors @ query.vector
    else:
        dense_all = np.zeros(len(store.sentences), dtype=np.float32)
    k = settings.extra_sentences
    cands.update(int(i) for i in np.argsort(-dense_all)[:k])
    cands.update(_bm25_top(store.bm25_sentences, query.terms, k))
    wanted = {p.id for p in query.points if p.kind == "figure"}
    if wanted:  # every sentence that states a figure asked for is a candidate
        cands.update(i for i, figs in enumerate(corpus.sentence_figures)
                     if any(f.point in wanted for f in figs))
    accounts = {p.id for p in query.points if p.kind == "account"}
    if accounts:  # and every sentence that speaks to an account asked about
        cands.update(i for i, ids in enumerate(corpus.sentence_accounts) if ids & accounts)
    out = []
    for i in cands:
        s = store.sentences[i]
        dense = float(dense_all[i])
        lexical = lexical_overlap(corpus, query.terms, i)
        chunk = max((chunk_score.get(c, 0.0) for c in s.chunk_ids), default=0.0)
        bonus = settings.figure_bonus if any(
            f.point in wanted for f in corpus.sentence_figures[i]) else 0.0
        if query.language == "ru":
            score = 0.85 * dense + 0.15 * lexical + bonus
        else:
            score = (settings.w_dense * dense + settings.w_lexical * lexical
                     + settings.w_chunk * chunk + bonus)
        out.append(Evidence(i, s.doc_id, s.start, s.end, s.text, min(score, 1.0), dense,
                            lexical, chunk))
    out.sort(key=lambda e: (-e.score, e.sentence_id))
    return out


def _known(corpus: Corpus, word: str) -> bool:
    w = re.sub(r"[’']s$", "", word.lower())
    return w in corpus.vocabulary or w.rstrip("s") in corpus.vocabulary


def unknown_names(corpus: Corpus, question: str) -> list[str]:
    """Capitalised words of an English question that appear nowhere in the articles
    (a possessive counts as known, and a compound when its capitalised parts are)."""
    names = [m.group(1) for m in _CAPITALISED.finditer(question)]
    return [
        n for n in dict.fromkeys(names)
        if n not in _NOT_NAMES
        and not all(_known(corpus, part) for part in re.split(r"[-–]", n) if part[:1].isupper())
    ]
