"""Find page furniture: lines that are never evidence (ads, subscribe boxes, captions, credits).

Pure functions over an article's text; spans point into the unmodified text.
"""

from __future__ import annotations

import re
from collections import Counter

#: Lines matching any of these (case-insensitive, after stripping markdown emphasis) are furniture.
FURNITURE_PATTERNS: tuple[str, ...] = (
    r"^follow us on\b",
    r"^advertisement$",
    r"^enjoying this article\?",
    r"\bnewsletter\b.*\bsubscribe\b",
    r"^if you have found a spelling error",
    r"^to contact the\b",
    r"^socialist equality party visit",
    r"\w+\.\w+/contact\b",
    r"^this publication was produced under\b",
    r"\bphoto:\s",
    r"^photo\b",
    r"^still image from\b",
    r"^-{3,}$",
    r"^[—–-]\s.*\(@\w+\)",  # attribution line of an embedded tweet
    r"^/?translated and adapted by\b",
    # a wire-photo caption carries the picture's dateline ("…, Saturday, Feb. 8, 2020, …")
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day, [a-z]{3}\.? \d{1,2}, \d{4}\b",
)
_FURNITURE = re.compile("|".join(f"(?:{p})" for p in FURNITURE_PATTERNS), re.IGNORECASE)
_EMPHASIS = re.compile(r"[*_#>\s]+")

#: A line repeated in one article and at most this long is a repeated caption.
MAX_REPEATED_LINE = 200


def lines_with_offsets(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without the newline."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        spans.append((pos, pos + len(body)))
        pos += len(line)
    return spans


def _normal(line: str) -> str:
    return _EMPHASIS.sub(" ", line).strip()


def is_furniture_line(line: str) -> bool:
    """True for a line that matches a furniture pattern."""
    return bool(_FURNITURE.search(_normal(line)))


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """Spans of lines that are furniture: pattern matches and short lines repeated in the text."""
    spans = [(s, e) for s, e in lines_with_offsets(text) if text[s:e].strip()]
    counts = Counter(_normal(text[s:e]) for s, e in spans)
    return [
        (s, e)
        for s, e in spans
        if is_furniture_line(text[s:e])
        or (counts[_normal(text[s:e])] > 1 and e - s <= MAX_REPEATED_LINE)
    ]


def content_blocks(text: str) -> list[tuple[int, int]]:
    """Maximal runs of consecutive non-blank, non-furniture lines (blank lines may sit inside)."""
    furniture = set(furniture_spans(text))
    blocks: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for s, e in lines_with_offsets(text):
        if not text[s:e].strip():
            continue
        if (s, e) in furniture:
            if current:
                blocks.append(current)
            current = None
            continue
        current = (current[0], e) if current else (s, e)
    if current:
        blocks.append(current)
    return blocks
