"""The compare view: every contested point, what each source says, its quote, attribution and
date. Cards (phone, projector "present" mode) and a table (wide screens), from fields only."""

from __future__ import annotations

from collections.abc import Sequence

from index.types import Source
from qa.present.cite import human_date, link_html
from qa.present.html import escape_html
from qa.present.messages import claim_extras, point_label, t


def columns(points: Sequence[object], sources: Sequence[Source]) -> list[tuple[str, str]]:
    """(doc_id, short name) of every source given, then any other source seen in the claims."""
    cols = [(s.doc_id, s.name) for s in sources]
    seen = {d for d, _ in cols}
    for p in points:
        for c in p.claims:
            if c.doc_id not in seen:
                seen.add(c.doc_id)
                cols.append((c.doc_id, c.outlet))
    return cols


def _flat(text: str) -> str:
    return " ".join(text.split())


def _extras(claim: object, language: str) -> str:
    shown = [escape_html(b) for b in claim_extras(claim, language)]
    return f'<span class="ms-extra">{"; ".join(shown)}</span>' if shown else ""


def claim_html(claim: object, language: str = "en") -> str:
    """A value, its extras and its verbatim quote, linked into the article."""
    value = ""
    if not claim.quote or _flat(claim.value) != _flat(claim.quote):
        value = f'<strong class="ms-value">{escape_html(claim.value)}</strong>'
    quote = ""
    if claim.quote:
        quote = link_html(
            claim, f'<span class="ms-q">{escape_html(claim.quote)}</span>', "ms-open ms-cell-quote"
        )
    return f'<div class="ms-claim">{value}{_extras(claim, language)}{quote}</div>'


def _claims(point: object, doc_id: str) -> list[object]:
    return [c for c in point.claims if c.doc_id == doc_id]


def _cell(point: object, doc_id: str, language: str) -> str:
    return "".join(claim_html(c, language) for c in _claims(point, doc_id)) or _silent(language)


def _flag(point: object, language: str) -> str:
    key, cls = ("differ", "ms-flag-differ") if point.contested else ("agree", "ms-flag-agree")
    return f'<span class="ms-flag {cls}">{escape_html(t(language, key))}</span>'


def _silent(language: str) -> str:
    return f'<span class="ms-silent">{escape_html(t(language, "silent"))}</span>'


def table_html(points: Sequence[object], cols: Sequence[tuple[str, str]], language: str) -> str:
    """Wide screens: one row per point, one column per source."""
    heads = "".join(f'<th scope="col">{escape_html(name)}</th>' for _, name in cols)
    rows = []
    for p in points:
        label = escape_html(point_label(p.point, p.label, language))
        cells = "".join(f"<td>{_cell(p, d, language)}</td>" for d, _ in cols)
        rows.append(f'<tr><th scope="row">{label} {_flag(p, language)}</th>{cells}</tr>')
    return (
        f'<div class="ms-table-wrap"><table class="ms-compare-table">'
        f'<thead><tr><th scope="col">{escape_html(t(language, "point"))}</th>{heads}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def card_html(
    point: object, cols: Sequence[tuple[str, str]], dates: dict[str, str], language: str
) -> str:
    """One point as a card: each source with its value, quote and date."""
    label = escape_html(point_label(point.point, point.label, language))
    items = []
    for doc_id, name in cols:
        body = _cell(point, doc_id, language)
        when = (
            f' <span class="ms-date">{escape_html(dates[doc_id])}</span>'
            if dates.get(doc_id)
            else ""
        )
        items.append(f'<li><span class="ms-outlet">{escape_html(name)}</span>{when}{body}</li>')
    return (
        f'<li class="ms-card" id="ms-card-{escape_html(point.point)}">'
        f'<h2 class="ms-card-title">{label} {_flag(point, language)}</h2>'
        f'<ul class="ms-card-claims">{"".join(items)}</ul></li>'
    )


def compare_html(points: Sequence[object], sources: Sequence[Source], language: str = "en") -> str:
    """The compare view: cards and a table (CSS shows one by width) and the present hint."""
    cols = columns(points, sources)
    dates = {s.doc_id: human_date(s.when, language) for s in sources if s.when}
    cards = "".join(card_html(p, cols, dates, language) for p in points)
    return (
        f'<div class="ms-compare" aria-label="{escape_html(t(language, "tab_compare"))}">'
        f'<p class="ms-present-hint">{escape_html(t(language, "present_hint"))}</p>'
        f'<ol class="ms-cards">{cards}</ol>{table_html(points, cols, language)}</div>'
    )


def point_choices(points: Sequence[object], language: str = "en") -> list[tuple[str, str]]:
    """(label, point id) for the handout picker."""
    return [(point_label(p.point, p.label, language), p.point) for p in points]
