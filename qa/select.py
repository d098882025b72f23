"""Choose the quotes for an answer from scored sentences. Pure functions."""

from __future__ import annotations

from collections import Counter

from qa.points import mentions
from qa.retrieve import Corpus, Query
from qa.settings import Settings
from qa.types import Evidence

#: Quotes from one article whose term sets overlap this much say the same thing; keep one.
NEAR_DUPLICATE = 0.6
#: An account point pulls in a source's best mention only if it scores this share of the best.
ACCOUNT_FLOOR = 0.6


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def select_evidence(
    evidence: list[Evidence], corpus: Corpus, query: Query, settings: Settings
) -> list[Evidence]:
    """Best quotes above a relative cutoff, every source's statement of an asked-for figure,
    at most ``max_per_source`` per article (more when covering figures) and no near-duplicates."""
    if not evidence:
        return []
    best = evidence[0].score
    chosen: list[Evidence] = []
    per_doc: Counter[str] = Counter()

    taken: set[int] = set()

    def take(e: Evidence, cap: int) -> None:
        if e.sentence_id in taken or per_doc[e.doc_id] >= cap:
            return
        terms = corpus.sentence_terms[e.sentence_id]
        if any(c.doc_id == e.doc_id and _jaccard(terms, corpus.sentence_terms[c.sentence_id])
               >= NEAR_DUPLICATE for c in chosen):
            return
        chosen.append(e)
        taken.add(e.sentence_id)
        per_doc[e.doc_id] += 1

    figure_points = {p.id for p in query.points if p.kind == "figure"}
    covered: set[tuple[str, str, str]] = set()
    for e in evidence:  # coverage: each source's best sentence for each value it gives
        if len(chosen) >= settings.max_coverage:
            break
        stated = {(e.doc_id, f.point, f.normal) for f in corpus.sentence_figures[e.sentence_id]
                  if f.point in figure_points}
        if stated - covered:
            before = len(chosen)
            take(e, settings.max_per_source + 2 * len(figure_points))
            if len(chosen) > before:
                covered |= stated
    for p in (p for p in query.points if p.kind == "account"):
        docs_done: set[str] = set()
        for e in evidence:
            if e.score < ACCOUNT_FLOOR * best:
                break
            if e.doc_id not in docs_done and mentions(e.text, p):
                take(e, settings.max_per_source)
                docs_done.add(e.doc_id)
    limit = max(settings.max_citations, len(chosen))
    for e in evidence:
        if len(chosen) >= limit or e.score < settings.relative_cutoff * best:
            break
        take(e, settings.max_per_source)
    return chosen
