"""Contested points: which points a question is about and which figures a sentence states.

Pure functions over text. The list of points is data (qa/points.toml); the values are read from
the articles, never written down anywhere.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from index.text import terms

POINTS_FILE = Path(__file__).with_name("points.toml")

#: Default for a figure point: the question must ask for a quantity.
QUANTITY_REQUEST = (
    r"\bhow many\b", r"\bhow much\b", r"\bnumber\b", r"\btoll\b", r"\bfigures?\b", r"\bcount\b",
    r"\btotal\b", r"сколько", r"числ", r"количеств",
)

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100, "a thousand": 1000,
}
_VAGUE = ("dozens", "hundreds", "thousands")
_QUALIFIER = (
    r"more than|over|about|around|approximately|nearly|almost|some|at least|fewer than|up to|"
    r"just|a total of"
)
_CARDINAL = (
    r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|(?:one|two|three|four|five|six|seven|eight|nine|ten|"
    r"twenty|thirty|forty|fifty|a) thousand|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|dozens|hundreds|thousands"
)
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)"
)
_DATE = rf"(?:{MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{MONTH})"
FIGURE = re.compile(
    rf"(?:\b(?P<qual>{_QUALIFIER})\s+)?(?P<num>(?<![\w.,]){_DATE}|\b(?:{_CARDINAL}))"
    rf"(?:\s?(?P<unit>km|kilomet(?:er|re)s))?\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\S+")
WINDOW_AFTER = 10  #: words after a number in which its noun / verb is looked for
WINDOW_BEFORE = 5  #: words before it ("the deaths of 11 people")
#: A cue before a number counts only when joined to it like this ("deaths of 11", "lives of 10").
_JOINED_BEFORE = re.compile(r"^\s*(?:of|at|to|on|totall?ing)\s+(?:the\s+|some\s+|about\s+)?$")


@dataclass(frozen=True)
class Point:
    """One contested point from points.toml."""

    id: str
    label: str
    kind: Literal["figure", "account"]
    cues: tuple[re.Pattern[str], ...]
    question_cues: tuple[str, ...]
    question_needs: tuple[re.Pattern[str], ...]
    requires: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    query: str = ""


@dataclass(frozen=True)
class Figure:
    """A figure stated in a sentence: its verbatim text and a comparable normal form."""

    point: str
    text: str  #: verbatim, with its qualifier ("more than 170")
    start: int  #: offset inside the sentence
    end: int
    normal: str  #: "170", "4000", "February 7", "thousands": equal normals = same value


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


@lru_cache(maxsize=4)
def load_points(path: Path = POINTS_FILE) -> tuple[Point, ...]:
    """The point definitions, in file order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    points = []
    for pid, d in data.items():
        needs = d.get("question_needs", QUANTITY_REQUEST if d["kind"] == "figure" else ())
        points.append(
            Point(
                id=pid,
                label=d["label"],
                kind=d["kind"],
                cues=_compile(d["cues"]),
                question_cues=tuple(d.get("question_cues", ())),
                question_needs=_compile(list(needs)),
                requires=_compile(d.get("requires", [])),
                exclude=_compile(d.get("exclude", [])),
                query=d.get("query", ""),
            )
        )
    return tuple(points)


def points_by_id() -> dict[str, Point]:
    return {p.id: p for p in load_points()}


def question_points(question: str) -> list[Point]:
    """The points a question asks about: a cue stem in it, and for figures a quantity request."""
    stems = terms(question)
    low = question.lower()
    found = []
    for p in load_points():
        cued = any(s.startswith(c) or c in s for s in stems for c in p.question_cues) or any(
            c in low for c in p.question_cues if not c.isascii() or " " in c
        )
        needs = not p.question_needs or any(n.search(low) for n in p.question_needs)
        if cued and needs:
            found.append(p)
    return found


def normal_value(num: str) -> str:
    """A comparable form: digits without commas, number words as digits, dates as 'Month D'."""
    n = num.strip().lower()
    if re.fullmatch(r"[\d,]+(\.\d+)?", n):
        return n.replace(",", "")
    if n in _NUMBER_WORDS:
        return str(_NUMBER_WORDS[n])
    if m := re.fullmatch(r"(\w+) thousand", n):
        base = 1 if m.group(1) == "a" else _NUMBER_WORDS.get(m.group(1), 0)
        return str(base * 1000) if base else n
    if m := re.fullmatch(rf"(\d{{1,2}})\s+({MONTH})", num.strip(), re.IGNORECASE):
        return f"{m.group(2).capitalize()} {m.group(1)}"
    if m := re.fullmatch(rf"({MONTH})\s+(\d{{1,2}})", num.strip(), re.IGNORECASE):
        return f"{m.group(1).capitalize()} {m.group(2)}"
    return n


def _word_index(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _is_date(num: str) -> bool:
    return bool(re.search(MONTH, num, re.IGNORECASE))


def figures(
    sentence: str, context: str = "", point_list: tuple[Point, ...] | None = None
) -> list[Figure]:
    """Every figure in a sentence that is tied to a figure point by a nearby cue.

    A number belongs to the point whose cue is nearest within ``WINDOW_AFTER`` words after it
    (or joined to a cue just before it), the window stopping at the next number. ``context``
    (the sentence before) is checked against each point's ``exclude`` patterns too, so a figure
    that follows "In 2006, …" is not read as this event's.
    """
    pts = [p for p in (point_list or load_points()) if p.kind == "figure"]
    pts = [
        p
        for p in pts
        if all(r.search(sentence) for r in p.requires)
        and not any(x.search(sentence) or x.search(context) for x in p.exclude)
    ]
    if not pts:
        return []
    matches = [m for m in FIGURE.finditer(sentence) if not _is_year(m.group("num"))]
    words = _word_index(sentence)
    out: list[Figure] = []
    for i, m in enumerate(matches):
        lo = matches[i - 1].end() if i else 0
        hi = matches[i + 1].start() if i + 1 < len(matches) else len(sentence)
        after_words = [w for w in words if w[0] >= m.end() and w[1] <= hi][:WINDOW_AFTER]
        before_words = [w for w in words if w[1] <= m.start() and w[0] >= lo][-WINDOW_BEFORE:]
        after = (m.end(), after_words[-1][1]) if after_words else (m.end(), m.end())
        before = (before_words[0][0], m.start()) if before_words else (m.start(), m.start())
        is_date = _is_date(m.group("num"))
        best: tuple[int, Point] | None = None
        for p in pts:
            if (p.id == "start_date") != is_date:
                continue
            if (p.id == "distance") != bool(m.group("unit")):
                continue
            if p.id == "distance":  # the unit is the cue
                best = (0, p)
                continue
            for cue in p.cues:
                for c in cue.finditer(sentence, *after):
                    d = c.start() - m.end()
                    best = (d, p) if best is None or d < best[0] else best
                for c in cue.finditer(sentence, *before):
                    if not _JOINED_BEFORE.match(sentence[c.end() : m.start()]):
                        continue
                    d = m.start() - c.end() + 1
                    best = (d, p) if best is None or d < best[0] else best
        if best:
            out.append(
                Figure(best[1].id, m.group(0), m.start(), m.end(), normal_value(m.group("num")))
            )
    return out


def _is_year(num: str) -> bool:
    return bool(re.fullmatch(r"(19|20)\d\d", num))


def mentions(sentence: str, point: Point) -> bool:
    """True when an account point's cue occurs in the sentence (and its constraints hold)."""
    return (
        any(c.search(sentence) for c in point.cues)
        and all(r.search(sentence) for r in point.requires)
        and not any(x.search(sentence) for x in point.exclude)
    )


def vague(normal: str) -> bool:
    """True for a figure with no number in it ("thousands", "dozens")."""
    return normal in _VAGUE
