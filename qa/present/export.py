"""The printable handout: one standalone HTML file (inline print stylesheet, no outside
requests) naming each article, quoting every chosen point verbatim and saying how the
figures differ. Pure functions; the caller writes the file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from index.types import Source
from qa.present.cite import human_date, source_label
from qa.present.html import escape_html
from qa.present.messages import claim_extras, point_label, t

HANDOUT_CSS = (Path(__file__).parent / "static" / "handout.css").read_text(encoding="utf-8")
HANDOUT_NAME = "masanchi-sources-handout.html"
#: source fields on the handout, in order, with their labels (empty fields are left out)
SOURCE_FIELDS = (
    ("meta_title", "title"),
    ("meta_author", "author"),
    ("meta_date", "when"),
    ("meta_address", "url"),
)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _field(src: Source, attr: str, language: str) -> str:
    value = str(getattr(src, attr, "") or "").strip().strip('”“"')
    return human_date(value, language) if attr == "when" and value else value


def sources_html(sources: Sequence[Source], language: str = "en") -> str:
    """Each article: outlet, then title, author, date and address where the text gives them."""
    items = []
    for s in sources:
        rows = "".join(
            f"<dt>{escape_html(t(language, label))}</dt><dd>{escape_html(v)}</dd>"
            for label, attr in SOURCE_FIELDS
            if (v := _field(s, attr, language))
        )
        items.append(f'<li><p class="outlet">{escape_html(s.outlet)}</p><dl>{rows}</dl></li>')
    return f'<ol class="sources">{"".join(items)}</ol>'


def differences(point: object, language: str = "en") -> str:
    """One sentence on how the sources differ: each value with the outlets that give it."""
    if point.kind == "account":
        count = len({c.doc_id for c in point.claims})
        return t(language, "handout_accounts", count=count)
    by_value: dict[str, list[str]] = {}
    for c in point.claims:
        names = by_value.setdefault(_flat(c.value), [])
        if c.outlet not in names:
            names.append(c.outlet)
    values = "; ".join(f"{v} ({', '.join(names)})" for v, names in by_value.items())
    return t(language, "handout_values" if point.contested else "handout_same", values=values)


def _claim(claim: object, dates: dict[str, str], language: str) -> str:
    extras = "; ".join(claim_extras(claim, language))
    value = "" if _flat(claim.value) == _flat(claim.quote) else escape_html(claim.value)
    head = " · ".join(x for x in (value, escape_html(extras)) if x)
    cite = escape_html(source_label(claim.outlet, dates.get(claim.doc_id, ""), language))
    return (
        f'<li><p class="claim"><strong>{escape_html(claim.outlet)}</strong>'
        f"{': ' + head if head else ''}</p>"
        f'<blockquote lang="en">{escape_html(claim.quote)}</blockquote>'
        f'<p class="cite">— {cite}</p></li>'
    )


def point_html(point: object, dates: dict[str, str], language: str = "en") -> str:
    """One point: its label, how the sources differ, then every source's verbatim quote."""
    label = escape_html(point_label(point.point, point.label, language))
    claims = "".join(_claim(c, dates, language) for c in point.claims if c.quote)
    return (
        f'<section class="point"><h2>{label}</h2>'
        f'<p class="differ">{escape_html(differences(point, language))}</p>'
        f'<ul class="claims">{claims}</ul></section>'
    )


def handout_html(
    points: Sequence[object],
    sources: Sequence[Source],
    chosen: Sequence[str] | None = None,
    language: str = "en",
) -> str:
    """The whole handout; ``chosen`` limits it to those point ids (None: every point)."""
    keep = [p for p in points if chosen is None or p.point in set(chosen)]
    dates = {s.doc_id: s.when for s in sources}
    title = escape_html(t(language, "handout_title"))
    body = "".join(point_html(p, dates, language) for p in keep)
    return (
        f'<!DOCTYPE html><html lang="{escape_html(language)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{HANDOUT_CSS}</style></head><body><main>"
        f'<h1>{title}</h1><p class="intro">{escape_html(t(language, "handout_intro"))}</p>'
        f"<h2>{escape_html(t(language, 'handout_sources'))}</h2>"
        f"{sources_html(sources, language)}{body}"
        f"<footer><p>{escape_html(t(language, 'handout_footer'))}</p></footer>"
        "</main></body></html>"
    )


def write_handout(html_text: str, folder: Path) -> Path:
    """Write the handout into ``folder`` under its download name; the path written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / HANDOUT_NAME
    path.write_text(html_text, encoding="utf-8")
    return path
