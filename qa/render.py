"""Pure rendering for the browser app.

Answer → chat HTML; Article + spans → highlighted HTML; catalogue → table rows, CSV, Markdown.

Every piece of user or article text passes through :func:`escape_text` (chat, where markdown is
also interpreted) or :func:`escape_html` (plain HTML views) before it reaches a page, so a
question holding ``<script>`` or ``[a link](http://…)`` shows as the characters typed.

Chat messages are single HTML blocks with no blank line inside, so the chat's markdown renderer
leaves them alone; the markdown-significant characters are written as entities as a second guard.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from index.types import Article, Source
from qa.types import CANNOT_ANSWER, Answer, Citation, Claim, ContestedPoint, Disagreement

#: characters written as entities in chat text: HTML specials, markdown and LaTeX triggers.
_CHAT_ENTITIES = {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord('"'): "&quot;",
    ord("'"): "&#39;",
    ord("["): "&#91;",
    ord("]"): "&#93;",
    ord("("): "&#40;",
    ord(")"): "&#41;",
    ord("*"): "&#42;",
    ord("_"): "&#95;",
    ord("`"): "&#96;",
    ord("~"): "&#126;",
    ord("$"): "&#36;",
    ord("\\"): "&#92;",
    ord("|"): "&#124;",
    ord("#"): "&#35;",
    ord(":"): "&#58;",
}

#: citation markers in answer text: [1] or [1, 3]; bold spans: **…**
_INLINE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]|\*\*(.+?)\*\*", re.DOTALL)


def escape_html(text: str) -> str:
    """Escape text for an HTML element or attribute (no markdown involved)."""
    return html.escape(text, quote=True)


def escape_text(text: str) -> str:
    """Escape text for a chat message: HTML, markdown and LaTeX all shown literally.

    Newlines become ``<br>`` so no blank line can end the surrounding HTML block.
    """
    out = text.replace("\r\n", "\n").translate(_CHAT_ENTITIES)
    return out.replace("\n", "<br>")


def citation_href(doc_id: str, start: int, end: int) -> str:
    """The link that opens the source viewer on one span (query string the app reads)."""
    return "?" + urlencode({"doc": doc_id, "start": start, "end": end}) + "#source"


def source_label(outlet: str, when: str) -> str:
    """'Outlet, date' or just the outlet when no date is known."""
    return f"{outlet}, {when}" if when else outlet


# --------------------------------------------------------------------------- chat


def user_message(question: str) -> str:
    """The user's question as a chat message, shown exactly as typed."""
    return f'<div class="ms-question">{escape_text(question)}</div>'


def _cite_link(c: Citation) -> str:
    """One clickable [n] marker that opens the source viewer on the citation."""
    return (
        f'<a class="ms-cite" href="{escape_html(citation_href(c.doc_id, c.start, c.end))}" '
        f'title="{escape_html(c.outlet)}">&#91;{c.n}&#93;</a>'
    )


def _markers(numbers: str, cites: Mapping[int, Citation]) -> str:
    """Render '1, 3' as linked markers; a number that points at nothing stays plain text."""
    parts = []
    for raw in re.split(r"\s*,\s*", numbers.strip()):
        n = int(raw)
        parts.append(_cite_link(cites[n]) if n in cites else f"&#91;{n}&#93;")
    return "".join(parts)


def inline_html(text: str, cites: Mapping[int, Citation]) -> str:
    """Escape answer text, keeping **bold** and turning [n] markers into citation links."""
    out: list[str] = []
    pos = 0
    for m in _INLINE.finditer(text):
        out.append(escape_text(text[pos : m.start()]))
        if m.group(1) is not None:
            out.append(_markers(m.group(1), cites))
        else:
            out.append(f"<strong>{inline_html(m.group(2), cites)}</strong>")
        pos = m.end()
    out.append(escape_text(text[pos:]))
    return "".join(out)


def _is_bullet(line: str) -> bool:
    return line.lstrip().startswith(("- ", "* ", "• "))


def _paragraph_html(block: str, cites: Mapping[int, Citation]) -> str:
    """One blank-line-separated block of answer text: a list when every line is a bullet."""
    lines = [ln for ln in block.split("\n") if ln.strip()]
    if lines and all(_is_bullet(ln) for ln in lines):
        items = "".join(f"<li>{inline_html(ln.lstrip()[2:], cites)}</li>" for ln in lines)
        return f"<ul>{items}</ul>"
    return f"<p>{inline_html(block.strip(), cites)}</p>"


def lead_html(text: str, cites: Mapping[int, Citation]) -> str:
    """The answer's lead text as HTML paragraphs (a small, safe subset of markdown)."""
    blocks = [b for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    return "".join(_paragraph_html(b, cites) for b in blocks)


def _when(c: Citation, sources: Mapping[str, Source]) -> str:
    src = sources.get(c.doc_id)
    return c.date or (src.when if src else "")


def quote_item(c: Citation, sources: Mapping[str, Source]) -> str:
    """One numbered verbatim quote with its outlet, date and a link to the source viewer."""
    label = escape_text(source_label(c.outlet, _when(c, sources)))
    href = escape_html(citation_href(c.doc_id, c.start, c.end))
    return (
        f'<li class="ms-quote" value="{c.n}">'
        f'<span class="ms-n">{_cite_link(c)}</span> '
        f'<q class="ms-q">{escape_text(c.quote)}</q> '
        f'<span class="ms-src">— {label}</span> '
        f'<a class="ms-open" href="{href}">open in source</a></li>'
    )


def quotes_html(citations: Sequence[Citation], sources: Mapping[str, Source]) -> str:
    """The numbered list of verbatim quotes under an answer."""
    if not citations:
        return ""
    items = "".join(quote_item(c, sources) for c in citations)
    title = '<div class="ms-quotes-title">Quoted from the articles</div>'
    return f'{title}<ol class="ms-quotes">{items}</ol>'


#: a disagreement value longer than this is an account, shown one source per row
SHORT_VALUE = 40


def _by_outlet(claims: Sequence[Claim]) -> list[list[Claim]]:
    """Claims grouped by source, sources in order of first appearance."""
    groups: dict[str, list[Claim]] = {}
    for c in claims:
        groups.setdefault(c.doc_id, []).append(c)
    return list(groups.values())


def _values_html(claims: Sequence[Claim], cites: Mapping[int, Citation]) -> str:
    """One source's value(s) for a point, each followed by its [n] links."""
    parts = []
    for c in claims:
        marks = "".join(_cite_link(cites[n]) for n in c.citations if n in cites)
        parts.append(f'<strong class="ms-value">{escape_text(c.value)}</strong> {marks}')
    return " · ".join(parts)


def disagreement_html(d: Disagreement, cites: Mapping[int, Citation]) -> str:
    """A 'Sources disagree' box with what each source says, side by side.

    Short figures get one column per source; long accounts get one row per source.
    """
    groups = _by_outlet(d.claims)
    names = [escape_text(g[0].outlet) for g in groups]
    values = [_values_html(g, cites) for g in groups]
    if all(len(c.value) <= SHORT_VALUE for c in d.claims):
        heads = "".join(f"<th>{n}</th>" for n in names)
        cells = "".join(f"<td>{v}</td>" for v in values)
        kind, table = (
            "ms-figures",
            f"<thead><tr>{heads}</tr></thead><tbody><tr>{cells}</tr></tbody>",
        )
    else:
        pairs = zip(names, values, strict=True)
        rows = "".join(f"<tr><th>{n}</th><td>{v}</td></tr>" for n, v in pairs)
        kind, table = "ms-accounts", f"<tbody>{rows}</tbody>"
    return (
        f'<div class="ms-disagree"><div class="ms-badge ms-badge-disagree">'
        f"⚖ Sources disagree: {escape_text(d.label)}</div>"
        f'<table class="ms-table {kind}">{table}</table></div>'
    )


def _first_block(text: str) -> str:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    return blocks[0] if blocks else ""


def refusal_html(answer: Answer) -> str:
    """A refusal: its own badge and colour, the refusal sentence and, if given, why."""
    invalid = answer.status == "invalid"
    badge = "⚠ I can't use this question" if invalid else "⚠ Not in the five articles"
    text = _first_block(answer.text) or CANNOT_ANSWER
    why = answer.message.strip()
    why_html = f'<p class="ms-why">{escape_text(why)}</p>' if why and why not in text else ""
    return (
        f'<div class="ms-answer ms-refusal" role="note">'
        f'<div class="ms-badge ms-badge-refusal">{badge}</div>'
        f"<p>{escape_text(text)}</p>{why_html}</div>"
    )


def _flat(text: str) -> str:
    return " ".join(text.split())


def lead_text(answer: Answer) -> str:
    """The blocks of ``answer.text`` not shown elsewhere in the message.

    Blocks that quote a citation or hold a blockquote, and blocks carrying a disagreement's
    summary, are dropped: the numbered quotes and the disagreement tables show them.
    """
    quotes = [_flat(c.quote) for c in answer.citations]
    summaries = [_flat(d.summary) for d in answer.disagreements if d.summary.strip()]
    kept = []
    for block in re.split(r"\n\s*\n", answer.text.replace("\r\n", "\n")):
        flat = _flat(block)
        if not flat or any(line.lstrip().startswith(">") for line in block.split("\n")):
            continue
        if any(q and q in flat for q in quotes) or any(s in flat for s in summaries):
            continue
        kept.append(block.strip())
    return "\n\n".join(kept)


def answer_html(answer: Answer, sources: Mapping[str, Source] | None = None) -> str:
    """An Answer as one chat message: lead with [n] links, disagreements, numbered quotes."""
    if answer.refused:
        return refusal_html(answer)
    sources = sources or {}
    cites = {c.n: c for c in answer.citations}
    disagreements = "".join(disagreement_html(d, cites) for d in answer.disagreements)
    return (
        f'<div class="ms-answer">{lead_html(lead_text(answer), cites)}{disagreements}'
        f"{quotes_html(answer.citations, sources)}</div>"
    )


def citation_choices(answer: Answer) -> list[tuple[str, str]]:
    """(label, value) pairs for a dropdown of the answer's citations; value = 'doc:start:end'."""
    return [
        (f"[{c.n}] {c.outlet}: {_shorten(c.quote, 70)}", f"{c.doc_id}:{c.start}:{c.end}")
        for c in answer.citations
    ]


def _shorten(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


# --------------------------------------------------------------------------- source viewer


def merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Clip spans to [0, length], drop empty ones and merge overlaps; sorted."""
    clipped = sorted((max(0, s), min(length, e)) for s, e in spans)
    merged: list[tuple[int, int]] = []
    for s, e in clipped:
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def highlighted_text(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The whole text, escaped, with each span wrapped in <mark id="ms-hl-i">."""
    out: list[str] = []
    pos = 0
    for i, (s, e) in enumerate(merge_spans(spans, len(text))):
        out.append(escape_html(text[pos:s]))
        out.append(f'<mark id="ms-hl-{i}" class="ms-hl">{escape_html(text[s:e])}</mark>')
        pos = e
    out.append(escape_html(text[pos:]))
    return "".join(out)


def source_header(src: Source) -> str:
    """Outlet, title, author and date of one article, each shown only when the text gives it."""
    rows = [("Outlet", src.outlet), ("Title", src.title), ("Author", src.author)]
    rows.append(("Date", src.when or "not stated in the article"))
    items = "".join(f"<div><dt>{k}</dt><dd>{escape_html(v)}</dd></div>" for k, v in rows if v)
    return f'<dl class="ms-meta">{items}</dl>'


def article_html(article: Article, spans: Iterable[tuple[int, int]] = ()) -> str:
    """An article for the source viewer: header, then its full text with spans highlighted."""
    spans = list(spans)
    note = (
        f'<p class="ms-viewer-note">{len(merge_spans(spans, len(article.text)))} highlighted '
        f"passage(s). The text below is the article file exactly as stored "
        f"(<code>seeds/{escape_html(article.doc_id)}.txt</code>).</p>"
        if spans
        else f'<p class="ms-viewer-note">The article file exactly as stored '
        f"(<code>seeds/{escape_html(article.doc_id)}.txt</code>).</p>"
    )
    return (
        f'<div class="ms-viewer">{source_header(article.source)}{note}'
        f'<div class="ms-article" id="ms-article">{highlighted_text(article.text, spans)}</div>'
        f"</div>"
    )


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Column:
    """One outlet column of the comparison table."""

    doc_id: str
    name: str  #: short outlet name for the header


def columns(points: Sequence[ContestedPoint], sources: Sequence[Source] = ()) -> list[Column]:
    """Outlet columns: every source given (in order), then any other doc seen in the claims."""
    cols = [Column(s.doc_id, s.name) for s in sources]
    seen = {c.doc_id for c in cols}
    for p in points:
        for cl in p.claims:
            if cl.doc_id not in seen:
                seen.add(cl.doc_id)
                cols.append(Column(cl.doc_id, cl.outlet))
    return cols


def claims_for(point: ContestedPoint, doc_id: str) -> list[Claim]:
    """What one source says about one point (possibly several claims, possibly none)."""
    return [c for c in point.claims if c.doc_id == doc_id]


def _claim_html(c: Claim) -> str:
    """A value and its linked quote; an account whose value is the quote shows it once."""
    value = f'<strong class="ms-value">{escape_html(c.value)}</strong>'
    if not c.quote:
        return f'<div class="ms-claim">{value}</div>'
    if _flat(c.value) == _flat(c.quote):
        value = ""
    href = escape_html(citation_href(c.doc_id, c.start, c.end))
    link = (
        f'<a class="ms-open ms-cell-quote" href="{href}" title="Read it in the article">'
        f"<q>{escape_html(c.quote)}</q></a>"
    )
    return f'<div class="ms-claim">{value} {link}</div>'


def _cell_html(claims: Sequence[Claim]) -> str:
    if not claims:
        return '<span class="ms-silent" title="This article does not say">—</span>'
    return "".join(_claim_html(c) for c in claims)


def _point_html(p: ContestedPoint) -> str:
    flag = '<div class="ms-contested">⚖ sources differ</div>' if p.contested else ""
    return f"<strong>{escape_html(p.label)}</strong>{flag}"


def catalogue_headers(cols: Sequence[Column]) -> list[str]:
    """Header row of the comparison table."""
    return ["Point", *[c.name for c in cols]]


def catalogue_rows(points: Sequence[ContestedPoint], cols: Sequence[Column]) -> list[list[str]]:
    """One row of HTML cells per point: the point, then each outlet's value(s) and quote(s).

    Each quote links to the source viewer (the same ``?doc=…&start=…&end=…`` as citations).
    """
    return [[_point_html(p), *[_cell_html(claims_for(p, c.doc_id)) for c in cols]] for p in points]


def catalogue_table_html(points: Sequence[ContestedPoint], cols: Sequence[Column]) -> str:
    """The comparison table: one row per point, one column per outlet."""
    heads = "".join(f'<th scope="col">{escape_html(h)}</th>' for h in catalogue_headers(cols))
    body = "".join(
        f'<tr><th scope="row">{row[0]}</th>' + "".join(f"<td>{c}</td>" for c in row[1:]) + "</tr>"
        for row in catalogue_rows(points, cols)
    )
    return (
        f'<div class="ms-compare-wrap"><table class="ms-compare">'
        f"<thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table></div>"
    )


CSV_FIELDS = (
    "point",
    "label",
    "kind",
    "contested",
    "outlet",
    "doc_id",
    "value",
    "quote",
    "start",
    "end",
)


def catalogue_csv(points: Sequence[ContestedPoint]) -> str:
    """The catalogue as CSV, one row per claim (point, outlet, value, verbatim quote, offsets)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for p in points:
        for c in p.claims:
            writer.writerow(
                [
                    p.point,
                    p.label,
                    p.kind,
                    p.contested,
                    c.outlet,
                    c.doc_id,
                    c.value,
                    c.quote,
                    c.start,
                    c.end,
                ]
            )
    return buf.getvalue()


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def catalogue_markdown(
    points: Sequence[ContestedPoint], cols: Sequence[Column], sources: Sequence[Source] = ()
) -> str:
    """The catalogue as a Markdown handout: an overview table, then every quote per point."""
    lines = ["# Masanchi, 7–8 February 2020: where the sources disagree", ""]
    if sources:
        lines += ["Sources:", ""]
        lines += [f"- **{s.name}**: {source_label(s.outlet, s.when)}" for s in sources]
        lines.append("")
    lines += ["## Overview", ""]
    lines.append("| Point | " + " | ".join(_md_cell(c.name) for c in cols) + " |")
    lines.append("|---" * (len(cols) + 1) + "|")
    for p in points:
        values = [
            "; ".join(_md_cell(c.value) for c in claims_for(p, col.doc_id)) or "—" for col in cols
        ]
        lines.append(f"| {_md_cell(p.label)} | " + " | ".join(values) + " |")
    for p in points:
        lines += ["", f"## {p.label}" + (" (contested)" if p.contested else ""), ""]
        for c in p.claims:
            lines.append(f"- **{c.outlet}**: {c.value}")
            lines += [f"  > {ln}" for ln in c.quote.split("\n")]
            lines.append(f"  (`seeds/{c.doc_id}.txt`, characters {c.start}–{c.end})")
    return "\n".join(lines) + "\n"
