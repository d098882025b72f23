"""The answer's opening sentence, as data: which sources, in their own words, with markers.

Confident answers state it; likely ones (``Answer.likely``) state it hedged; others name the
closest passages. Built from fields only: a citation's answer span
(``answer_start``/``answer_end`` inside its quote), else the asked point's disagreement
claims, else the names of the cited sources.
Markdown and HTML renderers both read a :class:`Lead`; neither writes facts of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

#: a claim value longer than this is an account (a whole sentence), not a figure for the lead
SHORT_VALUE = 60

LeadKind = Literal["answer", "differ", "names", "closest"]


@dataclass(frozen=True)
class LeadItem:
    """One source in the lead: its name, its own words ("" when none) and its markers."""

    outlet: str
    words: tuple[str, ...]  #: verbatim values from the source, in order
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class Lead:
    """The lead sentence: how to frame it and the sources in it."""

    kind: LeadKind
    items: tuple[LeadItem, ...]
    hedged: bool = False  #: stated as the likely answer, not the answer (not confident)

    @property
    def key(self) -> str:
        """The message key of this lead (qa.present.messages)."""
        if self.kind in ("names", "closest"):
            return f"lead_{self.kind}"
        kind = "differ" if self.kind == "differ" else "one"
        return f"lead_{'likely_' if self.hedged else ''}{kind}"


def answer_span(c: object) -> str:
    """The exact answering words inside a citation's quote, or "" when there is no span."""
    s, e = getattr(c, "answer_start", None), getattr(c, "answer_end", None)
    if s is None or e is None or not 0 <= s < e <= len(c.quote):
        return ""
    return c.quote[s:e]


def _by_source(citations: Sequence[object]) -> list[list[object]]:
    groups: dict[str, list[object]] = {}
    for c in citations:
        groups.setdefault(c.doc_id, []).append(c)
    return list(groups.values())


def _from_spans(citations: Sequence[object]) -> list[LeadItem]:
    items = []
    for group in _by_source(citations):
        spanned = [(c, answer_span(c)) for c in group if answer_span(c)]
        if spanned:
            words = tuple(dict.fromkeys(w for _, w in spanned))
            items.append(LeadItem(group[0].outlet, words, tuple(c.n for c, _ in spanned)))
    return items


def _from_claims(disagreements: Sequence[object]) -> list[LeadItem]:
    figures = [d for d in disagreements if all(len(c.value) <= SHORT_VALUE for c in d.claims)]
    if not figures:
        return []
    groups: dict[str, list[object]] = {}
    for claim in figures[0].claims:
        groups.setdefault(claim.doc_id, []).append(claim)
    return [
        LeadItem(
            cs[0].outlet,
            tuple(dict.fromkeys(c.value for c in cs)),
            tuple(sorted({n for c in cs for n in c.citations})),
        )
        for cs in groups.values()
    ]


def _names(citations: Sequence[object]) -> list[LeadItem]:
    return [LeadItem(g[0].outlet, (), tuple(c.n for c in g)) for g in _by_source(citations)]


def _differ(items: Sequence[LeadItem], disagreements: Sequence[object]) -> bool:
    values = {w for item in items for w in item.words}
    return bool(disagreements) or len(values) > 1


def build_lead(answer: object) -> Lead:
    """The lead for an answered question (callers handle refusals first)."""
    citations = tuple(getattr(answer, "citations", ()))
    confident = getattr(answer, "confident", True)
    if not confident and not getattr(answer, "likely", False):
        return Lead("closest", tuple(_names(citations)))
    items = _from_spans(citations) or _from_claims(getattr(answer, "disagreements", ()))
    if not items:
        return Lead("names" if confident else "closest", tuple(_names(citations)))
    kind: LeadKind = "differ" if _differ(items, answer.disagreements) else "answer"
    return Lead(kind, tuple(items), hedged=not confident)
