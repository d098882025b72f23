"""The one citation-marker formatter (markdown, HTML, dropdowns) and source labels.

Markers group consecutive numbers into ranges ("[1–3]") only when at least
:data:`MIN_RANGE` numbers are consecutive; in HTML every marker and range is one link.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from qa.present.messages import lang_of

#: this many consecutive numbers or more are written as a range
MIN_RANGE = 3
RANGE_DASH = "–"
#: quote length in a hover preview or a dropdown label
PREVIEW_CHARS = 160
CHOICE_CHARS = 70

_MONTHS = {
    "en": (
        "January February March April May June July August September October November December"
    ).split(),
    "ru": (
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    ).split(),
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class Marker:
    """One printed marker: a single number or a run of consecutive numbers."""

    numbers: tuple[int, ...]

    @property
    def label(self) -> str:
        """'1' or '1–3'."""
        if len(self.numbers) >= MIN_RANGE:
            return f"{self.numbers[0]}{RANGE_DASH}{self.numbers[-1]}"
        return str(self.numbers[0])


def markers(numbers: Sequence[int]) -> list[Marker]:
    """Distinct numbers in order, consecutive runs of ≥ MIN_RANGE grouped into one marker."""
    ns = sorted(set(numbers))
    runs: list[list[int]] = []
    for n in ns:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    out: list[Marker] = []
    for run in runs:
        if len(run) >= MIN_RANGE:
            out.append(Marker(tuple(run)))
        else:
            out += [Marker((n,)) for n in run]
    return out


def marker_text(numbers: Sequence[int]) -> str:
    """Markdown/plain markers: '[1]', '[1][3]', '[1–3]'."""
    return "".join(f"[{m.label}]" for m in markers(numbers))


def href(doc_id: str, start: int, end: int) -> str:
    """The link that opens the source panel on one span (the app's JS reads the query)."""
    return "?" + urlencode({"doc": doc_id, "start": start, "end": end}) + "#source"


def ref(doc_id: str, start: int, end: int) -> str:
    """'doc:start:end', the value the app's bridge and dropdowns carry."""
    return f"{doc_id}:{start}:{end}"


def shorten(text: str, width: int) -> str:
    """Whitespace collapsed and cut at ``width`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def human_date(date: str, language: str = "en") -> str:
    """'2020-02-20' → '20 February 2020' ('20 февраля 2020'); a date note loses its aside."""
    m = _ISO_DATE.match(date.strip())
    if not m:
        return _PARENTHESIS.sub("", date).strip()
    year, month, day = (int(g) for g in m.groups())
    return f"{day} {_MONTHS[lang_of(language)][month - 1]} {year}"


def source_label(outlet: str, date: str, language: str = "en") -> str:
    """'Outlet, date' or the outlet alone when no date is known."""
    when = human_date(date, language) if date else ""
    return f"{outlet}, {when}" if when else outlet


def marker_html(numbers: Sequence[int], cites: Mapping[int, object], language: str = "en") -> str:
    """Linked markers: each marker or range is one link to its first citation, with a hover
    and focus preview of the quote(s), outlet and date. Numbers that point at nothing are
    dropped (never a dead marker)."""
    parts = []
    for m in markers([n for n in numbers if n in cites]):
        tips = "".join(_tip_line(cites[n], language) for n in m.numbers)
        body = f'&#91;{m.label}&#93;<span class="ms-tip">{tips}</span>'
        parts.append(link_html(cites[m.numbers[0]], body, "ms-cite"))
    return "".join(parts)


def link_html(c: object, body_html: str, css_class: str = "ms-open") -> str:
    """A link that opens the source panel on one citation or claim (``body_html`` is trusted)."""
    link = html.escape(href(c.doc_id, c.start, c.end))
    return f'<a class="{css_class}" href="{link}">{body_html}</a>'


def _tip_line(c: object, language: str) -> str:
    label = html.escape(source_label(c.outlet, getattr(c, "date", ""), language))
    quote = html.escape(shorten(c.quote, PREVIEW_CHARS))
    return f'<span class="ms-tip-line">[{c.n}] “{quote}” — {label}</span>'


def choice(c: object) -> tuple[str, str]:
    """(label, value) for a dropdown of citations: '[n] Outlet: quote…', 'doc:start:end'."""
    label = f"{marker_text([c.n])} {c.outlet}: {shorten(c.quote, CHOICE_CHARS)}"
    return label, ref(c.doc_id, c.start, c.end)
