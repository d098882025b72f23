"""The corpus types: one type per concept, invariants checked where the object is made.

Offsets are Python ``str`` indices into the article file read as UTF-8, unmodified.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Source:
    """What an article's own text says about where it comes from (seeds/sources.toml).

    Any field the text does not show is the empty string, never a guess.
    """

    doc_id: str  #: file stem in seeds/, e.g. ``000_7d64eb3df81b7cc3``
    outlet: str  #: publisher as the text shows it, e.g. "Fergana News"
    short: str = ""  #: short outlet name for leads and tables ("Fergana")
    title: str = ""  #: headline where the text has one
    author: str = ""  #: byline where the text has one
    date: str = ""  #: ISO date of publication where the text states it
    date_note: str = ""  #: what the text implies about its date when it gives none
    language: str = "en"  #: ISO 639-1 code of the article text
    evidence: str = ""  #: where in the text the metadata above comes from

    @property
    def name(self) -> str:
        """The short outlet name, falling back to the full one."""
        return self.short or self.outlet

    @property
    def when(self) -> str:
        """A human date: the stated date, else the note about it."""
        return self.date or self.date_note


@dataclass(frozen=True)
class Article:
    """One seed file, its text exactly as on disk, and its metadata."""

    doc_id: str
    text: str  #: the whole file, decoded as UTF-8, unmodified
    sha256: str  #: hex digest of the file's bytes (for staleness checks)
    source: Source

    def __post_init__(self) -> None:
        if self.source.doc_id != self.doc_id:
            raise ValueError(f"metadata for {self.source.doc_id} attached to {self.doc_id}")


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) of one article."""

    doc_id: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}:{self.end} in {self.doc_id}")

    def overlaps(self, other: Span) -> bool:
        return self.doc_id == other.doc_id and self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Sentence:
    """A sentence-sized piece of evidence: the unit every citation quotes."""

    id: int  #: row in sentences.jsonl (= row in the sentence vector index)
    doc_id: str
    start: int
    end: int
    text: str  #: == article.text[start:end]
    chunk_ids: tuple[int, ...] = ()  #: chunks that contain this sentence

    def __post_init__(self) -> None:
        if len(self.text) != self.end - self.start or not self.text.strip():
            raise ValueError(f"sentence {self.id} text does not fit {self.start}:{self.end}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Sentence:
        return cls(**{**d, "chunk_ids": tuple(d.get("chunk_ids", ()))})


@dataclass(frozen=True)
class Chunk:
    """A retrieval unit of a few sentences, never spanning page furniture."""

    id: int  #: row in chunks.jsonl (= row in the chunk vector index)
    doc_id: str
    start: int
    end: int
    text: str  #: == article.text[start:end]
    sentence_ids: tuple[int, ...] = field(default=())  #: sentences inside, in order

    def __post_init__(self) -> None:
        if len(self.text) != self.end - self.start or not self.text.strip():
            raise ValueError(f"chunk {self.id} text does not fit {self.start}:{self.end}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Chunk:
        return cls(**{**d, "sentence_ids": tuple(d.get("sentence_ids", ()))})


#: How a claim's qualifier bounds its value (see :class:`FigureClaim`).
BOUNDS = ("exact", "approx", "min", "above", "max", "below", "range", "vague")
#: Where a claim's figure applies: the event as a whole, a part of it, another event.
SCOPES = ("event", "part", "other_event")


@dataclass(frozen=True)
class FigureClaim:
    """One stated figure in an article, extracted at index time (index/claims.py).

    Invariants (checked here): ``start < end``; ``context_start <= start`` and
    ``end <= context_end``; ``low <= high``; ``vague`` iff ``bound == "vague"`` and then
    ``value is None``; ``bound`` in :data:`BOUNDS`, ``scope`` in :data:`SCOPES`;
    ``len(text) == end - start``. ``article.text[start:end] == text`` and
    ``article.text[context_start:context_end]`` is the quotable unit (the sentence, or for a
    claim in page furniture the caption line) — checked by the extractor, which has the text.
    """

    doc_id: str
    sentence_id: int  #: row of sentences.jsonl this claim is stored with (furniture: nearest)
    start: int  #: absolute offset of ``text`` in the article file
    end: int
    text: str  #: verbatim figure with its qualifier and unit ("more than 170", "3km")
    value: float | None  #: the stated number (None for "dozens", "thousands")
    low: float  #: smallest value the wording allows (qualifier applied)
    high: float  #: largest value the wording allows (``math.inf`` when open)
    bound: str  #: one of BOUNDS: exact, approx (about), min (at least), above (more than), …
    qualifier: str = ""  #: the qualifier as written, lower-cased ("more than", "about")
    unit: str = ""  #: "" for a count of things; "km", "%", "USD", "year", … for measures
    counts: str = ""  #: what is counted, normalised ("people killed", "private houses damaged")
    noun: str = ""  #: lemma of the counted noun phrase ("private house"; "" when elided)
    predicate: str = ""  #: lemma of the governing predicate ("kill", "seek medical help")
    vague: bool = False  #: a number word without a number ("dozens", "thousands")
    attribution: str = ""  #: whose figure ("the interior ministry of Kazakhstan")
    attribution_inherited: bool = False  #: taken from an earlier sentence of the paragraph
    as_of: str = ""  #: time reference as written ("on February 10", "by 10 am", "in 2009")
    as_of_date: str = ""  #: ISO form of ``as_of`` where known ("2020-02-10", "2009")
    places: tuple[str, ...] = ()  #: named places near the figure (endpoints for distances)
    scope: str = "event"  #: one of SCOPES
    scope_note: str = ""  #: why the scope is not the whole event ("another event (2006)")
    in_furniture: bool = False  #: from page furniture (a photo caption): never evidence
    headline: bool = False  #: from a headline or heading line
    quoted: bool = False  #: inside a quotation (``attribution`` then names the speaker)
    fragment: bool = False  #: the sentence is cut off (no end punctuation, not a heading)
    context_start: int = 0  #: the quotable unit holding the figure (sentence or caption line)
    context_end: int = 0
    persons: bool = False  #: known to count people (elided or generic noun, a group's name)
    frame: str = ""  #: lemma of a framing noun that is what is counted ("death", "population")

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end or len(self.text) != self.end - self.start:
            raise ValueError(f"claim {self.text!r} does not fit {self.start}:{self.end}")
        if not self.context_start <= self.start or self.end > self.context_end:
            raise ValueError(f"claim {self.text!r} lies outside its context")
        if self.low > self.high:
            raise ValueError(f"claim {self.text!r}: low {self.low} > high {self.high}")
        if self.bound not in BOUNDS or self.scope not in SCOPES:
            raise ValueError(f"claim {self.text!r}: bad bound {self.bound} or scope {self.scope}")
        if self.vague != (self.bound == "vague") or (self.vague and self.value is not None):
            raise ValueError(f"claim {self.text!r}: vague figures carry no value")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["high"] = None if self.high == float("inf") else self.high
        d["places"] = list(self.places)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> FigureClaim:
        high = float("inf") if d.get("high") is None else d["high"]
        return cls(**{**d, "high": high, "places": tuple(d.get("places", ()))})
