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
