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
    score: float = 0.0  #: the ranker's probability that this quote answers the question
    answer_start: int | None = None  #: offset INSIDE the quote of the value that answers
    answer_end: int | None = None  #: (quote[answer_start:answer_end]), None when none

    def __post_init__(self) -> None:
        if self.n < 1 or len(self.quote) != self.end - self.start or not self.quote.strip():
            raise ValueError(f"citation [{self.n}] does not fit its offsets")
        if (self.answer_start is None) != (self.answer_end is None) or (
                self.answer_start is not None
                and not 0 <= self.answer_start < self.answer_end <= len(self.quote)):
            raise ValueError(f"citation [{self.n}] answer span does not fit inside the quote")

    @property
    def answer(self) -> str:
        """The exact value that answers, as written in the quote ("" when none)."""
        if self.answer_start is None or self.answer_end is None:
            return ""
        return self.quote[self.answer_start:self.answer_end]

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
    qualifier: str = ""  #: "more than", "about", … as written ("" for a plain figure)
    attribution: str = ""  #: whose figure or position ("the interior ministry", a speaker)
    as_of: str = ""  #: when: the figure's own time reference, else the source's date
    counts: str = ""  #: what the figure counts ("people killed", "sought medical help")
    note: str = ""  #: why it stands apart: "photo caption", "headline", "another event (2006)"
    sentence_id: int = -1  #: row in sentences.jsonl (-1 when unknown)


@dataclass(frozen=True)
class Disagreement:
    """A point on which the sources give different values, each source named with its value."""

    point: str  #: id of the contested point ("deaths", "injured", "trigger", …)
    label: str  #: human label ("Number of people killed")
    claims: tuple[Claim, ...]
    summary: str  #: one line for the answer text, naming every source and its value
    status: str = "contested"  #: contested | explained | framing (see qa/contested.py)
    notes: tuple[str, ...] = ()  #: the why: dates, scopes, in-article inconsistencies

    def __post_init__(self) -> None:
        if len({c.doc_id for c in self.claims}) < 2:
            raise ValueError("a disagreement needs at least two sources")

    def to_dict(self) -> dict:
        return asdict(self)


Basis = Literal["verified", "ranked"]


@dataclass(frozen=True)
class Part:
    """One part of a multi-part question: the citations that answer it, or why none does."""

    text: str  #: the part as asked
    citations: tuple[int, ...] = ()  #: [n] numbers answering it
    missing: str = ""  #: non-empty when the articles do not answer this part

    def __post_init__(self) -> None:
        if bool(self.citations) == bool(self.missing):
            raise ValueError("a part has citations or says what is missing, not both")


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
    resolved_question: str = ""  #: the standalone question answered ("" = ``question``)
    confidence: float = 0.0  #: calibrated P(the first quote answers the question)
    basis: Basis = "ranked"  #: "verified" when answered from a bank question
    confident: bool = False  #: state the answer as the answer (else: "closest passages")
    likely: bool = False  #: not confident, but the first quote probably answers (hedged lead)
    parts: tuple[Part, ...] = ()  #: per part of a multi-part question
    bank_id: str = ""  #: id of the verified question used, when basis is "verified"

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} is not a probability")
        cited_parts = {n for p in self.parts for n in p.citations}
        if not cited_parts <= {c.n for c in self.citations}:
            raise ValueError("a part cites a citation that does not exist")
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
            "resolved_question": self.resolved_question or self.question,
            "confidence": round(self.confidence, 4),
            "basis": self.basis,
            "confident": self.confident,
            "likely": self.likely or self.confident,
            "parts": [asdict(p) for p in self.parts],
            "bank_id": self.bank_id,
        }


@dataclass(frozen=True)
class ContestedPoint:
    """One row of the catalogue of contested points: what every source says about one point."""

    point: str  #: id ("deaths", "injured", "detained", "damage", "refugees", "distance", …)
    label: str  #: human label for the row
    kind: Literal["figure", "account"]  #: a number to compare, or an account (quote) to compare
    claims: tuple[Claim, ...]  #: one or more per source that speaks to the point, in doc order
    contested: bool  #: true when at least two sources give different values
    status: str = ""  #: contested | explained | agreed | framing (qa/contested.py)
    notes: tuple[str, ...] = ()  #: the why, and in-article inconsistencies
    explained: tuple[Claim, ...] = ()  #: related figures shown apart (other scope or count)
    counts: tuple[str, ...] = ()  #: the counted phrases grouped into this point

    def to_dict(self) -> dict:
        return asdict(self)
