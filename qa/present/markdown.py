"""``Answer.text``: the answer as markdown, rendered from the Answer's fields. Pure functions.

The text names sources and carries their words; it never states a fact in its own words.
The engine calls :func:`number_citations` on the selected evidence, then :func:`answer_text`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence

from index.types import Source
from qa.present.cite import human_date, marker_text
from qa.present.lead import Lead, LeadItem, build_lead
from qa.present.messages import point_label, t
from qa.types import Citation, Evidence


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
            citations.append(
                Citation(
                    n=len(citations) + 1,
                    doc_id=doc_id,
                    start=e.start,
                    end=e.end,
                    quote=e.text,
                    outlet=src.name if src else doc_id,
                    date=src.when if src else "",
                    score=round(e.score, 4),
                )
            )
    return citations


def join_names(names: Sequence[str], language: str) -> str:
    """'A', 'A and B', 'A, B and C' (in the answer's language)."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {t(language, 'and')} " + names[-1]


def _item_md(item: LeadItem) -> str:
    marks = marker_text(item.numbers)
    if not item.words:
        return f"{item.outlet} {marks}"
    words = ", ".join(f"“{w}”" for w in item.words)
    return f"{item.outlet}: {words} {marks}"


def lead_markdown(lead: Lead, language: str) -> str:
    """The lead sentence with [n] markers."""
    if lead.kind in ("names", "closest"):
        names = join_names([_item_md(i) for i in lead.items], language)
        return t(language, lead.key, names=names)
    return t(language, lead.key, items="; ".join(_item_md(i) for i in lead.items))


def _refusal(answer: object, language: str) -> str:
    message = (getattr(answer, "message", "") or "").strip()
    if getattr(answer, "status", "refused") == "invalid":
        return message or t(language, "refused_text")
    lines = [t(language, "refused_text")]
    if message:
        lines += ["", f"_{message}_"]
    return "\n".join(lines)


def _header(c: Citation, sources: Mapping[str, Source], language: str) -> str:
    src = sources.get(c.doc_id)
    bits = [f"**{c.outlet}**"]
    if src and src.outlet != c.outlet:
        bits.append(src.outlet)
    when = human_date(c.date or (src.when if src else ""), language)
    return " · ".join([*bits, when] if when else bits)


def _quotes(citations: Sequence[Citation], sources: Mapping[str, Source], language: str) -> list:
    by_doc: OrderedDict[str, list[Citation]] = OrderedDict()
    for c in citations:
        by_doc.setdefault(c.doc_id, []).append(c)
    lines: list[str] = []
    for cs in by_doc.values():
        lines += [_header(cs[0], sources, language), *[f"> [{c.n}] {c.quote}" for c in cs], ""]
    return lines


def disagreement_markdown(d: object, language: str) -> str:
    """One line naming every source and its value, with markers."""
    label = point_label(d.point, d.label, language)
    head = f"**{t(language, 'disagree_badge', label=label)}**"
    parts = [f"{c.outlet}: {c.value} {marker_text(c.citations)}".rstrip() for c in d.claims]
    return f"{head}: " + "; ".join(parts) + "."


def _parts(answer: object, language: str) -> list[str]:
    lines = []
    for part in getattr(answer, "parts", ()) or ():
        missing = getattr(part, "missing", "")
        tail = t(language, "part_missing", missing=missing) if missing else ""
        marks = marker_text(getattr(part, "citations", ()))
        lines.append(f"- {part.text} {marks} {tail}".rstrip())
    return [*lines, ""] if lines else []


def answer_text(answer: object, sources: dict[str, Source]) -> str:
    """The markdown shown for an Answer: lead from the sources' words, quotes, disagreements."""
    language = getattr(answer, "language", "en")
    if getattr(answer, "refused", False):
        return _refusal(answer, language) + "\n"
    lines: list[str] = []
    resolved = (getattr(answer, "resolved_question", "") or "").strip()
    if resolved and resolved != answer.question.strip():
        lines += [f"_{t(language, 'answering', question=resolved)}_", ""]
    lines += [lead_markdown(build_lead(answer), language), ""]
    lines += _parts(answer, language)
    if note := t(language, "quotes_language_note"):
        lines += [f"_{note}_", ""]
    lines += _quotes(answer.citations, sources, language)
    lines += [disagreement_markdown(d, language) for d in answer.disagreements]
    return "\n".join(lines).rstrip() + "\n"
