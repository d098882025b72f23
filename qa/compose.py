"""Turn selected evidence into numbered citations and the answer text. Pure functions.

The text names sources and carries quotes; it never states a fact in its own words.
"""

from __future__ import annotations

from collections import OrderedDict

from index.types import Source
from qa.types import Citation, Disagreement, Evidence


def number_citations(selected: list[Evidence], sources: dict[str, Source]) -> list[Citation]:
    """Group quotes by source (sources in order of their best quote, quotes in text order) and
    number them 1..N."""
    groups: OrderedDict[str, list[Evidence]] = OrderedDict()
    for e in selected:
        groups.setdefault(e.doc_id, []).append(e)
    citations = []
    for doc_id, items in groups.items():
        src = sources.get(doc_id)
        for e in sorted(items, key=lambda e: e.start):
            citations.append(Citation(
                n=len(citations) + 1, doc_id=doc_id, start=e.start, end=e.end, quote=e.text,
                outlet=src.name if src else doc_id, date=src.when if src else "",
                score=round(e.score, 4),
            ))
    return citations


def _refs(ns: list[int]) -> str:
    if len(ns) > 2 and ns == list(range(ns[0], ns[-1] + 1)):
        return f"[{ns[0]}–{ns[-1]}]"
    return "".join(f"[{n}]" for n in ns)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def compose_text(citations: list[Citation], disagreements: list[Disagreement],
                 sources: dict[str, Source]) -> str:
    """Markdown: a lead naming the sources, quotes grouped by source, then disagreements."""
    by_doc: OrderedDict[str, list[Citation]] = OrderedDict()
    for c in citations:
        by_doc.setdefault(c.doc_id, []).append(c)
    names = [f"{cs[0].outlet} {_refs([c.n for c in cs])}" for cs in by_doc.values()]
    lines = [f"According to {_and(names)}:", ""]
    if disagreements:
        lines[0] = (f"The sources do not agree. According to {_and(names)}:")
    for doc_id, cs in by_doc.items():
        src = sources.get(doc_id)
        head = " · ".join(
            [f"**{cs[0].outlet}**"]
            + ([src.outlet] if src and src.outlet != cs[0].outlet else [])
            + ([src.when] if src and src.when else [])
        )
        lines.append(head)
        lines += [f"> [{c.n}] {c.quote}" for c in cs]
        lines.append("")
    for d in disagreements:
        lines.append(f"**Sources disagree** on {d.summary}")
    return "\n".join(lines).rstrip() + "\n"
