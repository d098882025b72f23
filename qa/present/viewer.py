"""The article viewer: an article as a reader sees it, with offsets still exact. Pure functions.

Every character of the file stays in the DOM in order (markdown markers in hidden spans,
newlines as text between blocks), so the article element's ``textContent`` is the file text
and ``textContent.slice(start, end)`` is any quote. Headings render as headings; page
furniture (index.furniture) is greyed and hidden unless the panel's toggle shows it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from index.furniture import furniture_spans, lines_with_offsets
from index.types import Article, Source
from qa.present.cite import human_date
from qa.present.html import escape_html
from qa.present.messages import t

#: inline markdown in the article files: **strong**, *emphasis*, [link text](address)
_INLINE = re.compile(
    r"(?P<strong>\*\*)(?=\S)(?P<strong_body>.+?)(?<=\S)\*\*"
    r"|(?<![\w*])(?P<em>\*)(?=[^\s*])(?P<em_body>.+?)(?<=[^\s*])\*(?![\w*])"
    r"|(?P<link>\[)(?P<link_body>[^\]]+)\]\([^)]*\)"
)
_HEADING = re.compile(r"^(\s*)(#{1,6})(\s+)")
_QUOTE_MARKS = "\"“”«»'’ "
#: article headings start one level below the article's own title
TITLE_LEVEL = 3
MAX_LEVEL = 5


def merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Clip spans to [0, length], drop empty ones and merge overlaps; sorted."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted((max(0, s), min(length, e)) for s, e in spans):
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _inline(line: str, base: int) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    """Hidden markup ranges and styled ranges (absolute offsets) of one line."""
    hidden: list[tuple[int, int]] = []
    styled: list[tuple[int, int, str]] = []
    if m := _HEADING.match(line):
        hidden.append((base + m.start(2), base + m.end(3)))
    for m in _INLINE.finditer(line):
        kind = next(k for k in ("strong", "em", "link") if m.group(k))
        body_s, body_e = m.start(f"{kind}_body"), m.end(f"{kind}_body")
        hidden += [(base + m.start(), base + body_s), (base + body_e, base + m.end())]
        styled.append((base + body_s, base + body_e, kind))
    return hidden, styled


def _classes(pos: int, hidden: list, styled: list) -> list[str]:
    out = ["ms-md"] if any(s <= pos < e for s, e in hidden) else []
    return out + [f"ms-{k}" for s, e, k in styled if s <= pos < e]


def _line_html(text: str, s: int, e: int, marks: list[tuple[int, int]]) -> str:
    """One line's characters: hidden markers, styled runs and highlights, all well nested."""
    hidden, styled = _inline(text[s:e], s)
    cuts = {s, e}
    for a, b in [*hidden, *marks, *[(x, y) for x, y, _ in styled]]:
        cuts |= {min(max(a, s), e), min(max(b, s), e)}
    out, in_mark = [], False
    bounds = sorted(cuts)
    for a, b in itertools.pairwise(bounds):
        marked = any(x <= a < y for x, y in marks)
        if marked != in_mark:
            out.append('<mark class="ms-hl">' if marked else "</mark>")
            in_mark = marked
        piece, cls = escape_html(text[a:b]), _classes(a, hidden, styled)
        out.append(f'<span class="{" ".join(cls)}">{piece}</span>' if cls else piece)
    return "".join(out) + ("</mark>" if in_mark else "")


def _is_title(line: str, title: str) -> bool:
    return bool(title) and line.strip(_QUOTE_MARKS + "#") == title.strip(_QUOTE_MARKS)


def _block_tag(line: str, source: Source) -> str:
    if m := _HEADING.match(line):
        return f"h{min(TITLE_LEVEL + len(m.group(2)) - 1, MAX_LEVEL)}"
    return f"h{TITLE_LEVEL}" if _is_title(line, source.title) else "p"


def article_body(article: Article, spans: Iterable[tuple[int, int]] = ()) -> str:
    """The article text as blocks; textContent of the result equals ``article.text``."""
    text = article.text
    marks = merge_spans(spans, len(text))
    furniture = set(furniture_spans(text))
    out, pos = [], 0
    for s, e in lines_with_offsets(text):
        if not text[s:e].strip():
            continue
        out.append(escape_html(text[pos:s]))
        tag = _block_tag(text[s:e], article.source)
        cls = ' class="ms-furniture"' if (s, e) in furniture else ""
        out.append(f'<{tag}{cls} data-start="{s}">{_line_html(text, s, e, marks)}</{tag}>')
        pos = e
    out.append(escape_html(text[pos:]))
    return "".join(out)


def source_meta(src: Source, language: str = "en") -> str:
    """Outlet, title, author, date and address, each only when the text gives it."""
    when = human_date(src.when, language) if src.when else t(language, "date_unknown")
    rows = [
        ("meta_outlet", src.outlet),
        ("meta_title", src.title.strip(_QUOTE_MARKS)),
        ("meta_author", src.author),
        ("meta_date", when),
        ("meta_address", getattr(src, "url", "")),
    ]
    items = "".join(
        f"<div><dt>{escape_html(t(language, k))}</dt><dd>{escape_html(v)}</dd></div>"
        for k, v in rows
        if v
    )
    return f'<dl class="ms-meta">{items}</dl>'


def article_html(
    article: Article, spans: Iterable[tuple[int, int]] = (), language: str = "en"
) -> str:
    """The viewer: metadata, a note on highlights and furniture, then the article."""
    spans = merge_spans(spans, len(article.text))
    notes = [t(language, "furniture_note")]
    if spans:
        notes.insert(0, t(language, "viewer_highlight", count=len(spans)))
    name = escape_html(article.source.name)
    return (
        f'<section class="ms-viewer" aria-label="{name}">'
        f'<h3 class="ms-viewer-title">{name}</h3>{source_meta(article.source, language)}'
        f'<p class="ms-viewer-note">{escape_html(" ".join(notes))}</p>'
        f'<div class="ms-article" id="ms-article" tabindex="0" aria-label="{name}" lang='
        f'"{escape_html(article.source.language or "en")}">{article_body(article, spans)}</div>'
        "</section>"
    )
