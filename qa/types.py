"""The answering types: one type per concept, invariants checked where the object is made."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

#: Shown (and returned as ``text``) when the articles hold no evidence for an answer.
CANNOT_ANSWER = (
    "The five articles do not say this. I can only answer from what they report, "
    "so I will not guess."
)

Status = Literal["answered", "refused", "invalid"]


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with the scores that ranked it."""

    chunk_id: int
    score: float  #: fused score (higher is better)
    bm25_rank: int | None = None  #: 1-based rank in the BM25 list, None if absent
    dense_rank: int | None = None  #: 1-based rank in the dense list, None if absent


@dataclass(frozen=True)
class Evidence:
    """A candidate sentence with the features that scored it (before numbering)."""

    sentence_id: int
    doc_id: str
    start: int
    end: int
    text: str
    score: float  #: combined evidence score in [0, 1]
    dense: float = 0.0  #: cosine similarity of question and sentence
    lexical: float = 0.0  #: share of question content terms found in the sentence
    chunk: float = 0.0  #: normalised fused score of the best chunk holding it


@dataclass(frozen=True)
class Citation:
    """A numbered verbatim quote: ``seeds/{doc_id}.txt`` read as UTF-8 ``[start:end] == quote``."""

    n: int  #: the number shown as [n]
    doc_id: str
    start: int
    end: int
    quote: str
    outlet: str  #: short outlet name
    date: str = ""  #: publication date or what the text implies about it
    score: float = 0.0  #: evidence score that selected it

    def __post_init__(self) -> None:
        if self.n < 1 or len(self.quote) != self.end - self.start or not self.quote.strip():
            raise ValueError(f"citation [{self.n}] does not fit its offsets")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Claim:
    """What one source says about a contested point."""

    doc_id: str
    outlet: str
    value: str  #: the figure as written in the quote ("more than 170"), or a short summary label
    citations: tuple[int, ...]  #: the [n] numbers that carry it (answer) or () (catalogue)
    quote: str = ""  #: the verbatim sentence that carries it
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Disagreement:
    """A point on which the sources give different values, each source named with its value."""

    point: str  #: id of the contested point ("deaths", "injured", "trigger", …)
    label: str  #: human label ("Number of people killed")
    claims: tuple[Claim, ...]
    summary: str  #: one line for the answer text, naming every source and its value

    def __post_init__(self) -> None:
        if len({c.doc_id for c in self.claims}) < 2:
            raise ValueError("a disagreement needs at least two sources")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """What ``qa.answer`` returns; ``to_dict`` is the JSON contract in DESIGN.md."""

    question: str  #: the question as received
    refused: bool  #: true when the articles hold no evidence (or the input was unusable)
    text: str  #: markdown shown to a person, with [n] markers
    citations: tuple[Citation, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    status: Status = "answered"  #: answered | refused | invalid (bad input)
    message: str = ""  #: why it was refused or why the input was rejected
    language: str = "en"  #: language detected in the question
    timings_ms: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        numbers = [c.n for c in self.citations]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"citations must be numbered 1..N, got {numbers}")
        cited = {n for d in self.disagreements for c in d.claims for n in c.citations}
        if not cited <= set(numbers):
            missing = sorted(cited - set(numbers))
            raise ValueError(f"disagreement cites {missing} which do not exist")
        if self.refused and self.citations:
            raise ValueError("a refusal carries no citations")
        if self.refused != (self.status != "answered"):
            raise ValueError("refused must match status")

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "refused": self.refused,
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "disagreements": [d.to_dict() for d in self.disagreements],
            "status": self.status,
            "message": self.message,
            "language": self.language,
            "timings_ms": dict(self.timings_ms),
        }


@dataclass(frozen=True)
class ContestedPoint:
    """One row of the catalogue of contested points: what every source says about one point."""

    point: str  #: id ("deaths", "injured", "detained", "damage", "refugees", "distance", …)
    label: str  #: human label for the row
    kind: Literal["figure", "account"]  #: a number to compare, or an account (quote) to compare
    claims: tuple[Claim, ...]  #: one or more per source that speaks to the point, in doc order
    contested: bool  #: true when at least two sources give different values

    def to_dict(self) -> dict:
        return asdict(self)
