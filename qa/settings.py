"""Answering settings: one object with defaults and descriptions, normalised once at the edge."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.settings import IndexSettings

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
#: The trained ranker, confidence and answerability models (``make train`` writes it).
MODEL_FILE = Path(__file__).parent / "models" / "ranker.json"


def _calibrated(key: str, default: float) -> float:
    """A threshold written by `python -m eval --calibrate` (see eval/README.md), else default."""
    try:
        return float(json.loads(CALIBRATION_FILE.read_text())[key])
    except (OSError, ValueError, KeyError, TypeError):
        return default


@dataclass(frozen=True)
class Settings:
    """Everything that tunes retrieval, selection, refusal and input limits."""

    index: IndexSettings = field(default_factory=IndexSettings.from_env)
    max_citations: int = field(default=8, metadata={"help": "most quotes in one answer"})
    max_per_source: int = field(default=3, metadata={"help": "most quotes from one article"})
    max_question_chars: int = field(
        default=1000, metadata={"help": "longer questions are rejected with a message"}
    )
    max_history: int = field(
        default=8, metadata={"help": "earlier turns of a conversation looked at"})
    feedback_db: Path = field(
        default=IndexSettings().index_dir.parent / "feedback.sqlite3",
        metadata={"help": "reader marks (SQLite, outside the index folder); "
                          "MASANCHI_FEEDBACK_DB overrides"})
    translations_per_word: int = field(
        default=3, metadata={"help": "English candidates kept per Russian focus word"})
    point_min_cosine: float = field(
        default=0.3, metadata={"help": "USE cosine for a Russian figure word to name a point"})
    # -- serving (qa/present/server.py) ----------------------------------------------------
    answer_workers: int = field(
        default=4, metadata={"help": "answers computed at once by the server (threads); the "
                                     "engine's read path is lock-free"})
    max_request_bytes: int = field(
        default=256 * 1024, metadata={"help": "larger request bodies are refused (413) unread"})
    rate_per_second: float = field(
        default=100.0, metadata={"help": "questions (POSTs) a second per client address, "
                                         "sustained; a classroom behind one address stays below"})
    rate_burst: float = field(
        default=1000.0, metadata={"help": "questions one address may send at once before the "
                                          "rate applies"})
    query_cache: int = field(
        default=2048, metadata={"help": "question vectors kept (LRU) so a repeated question is "
                                        "not encoded again; 0 turns it off"})
    # -- candidates -------------------------------------------------------------------------
    candidates_per_list: int = field(
        default=40, metadata={"help": "sentences taken from each list (MiniLM, USE, BM25)"})
    candidate_chunks: int = field(
        default=10, metadata={"help": "chunks per list whose sentences become candidates"})
    # -- ranking, confidence, refusal ------------------------------------------------------
    model_file: Path = field(default=MODEL_FILE, metadata={"help": "trained models (JSON)"})
    keep_ratio: float = field(
        default_factory=lambda: _calibrated("keep_ratio", 0.5),
        metadata={"help": "keep a quote whose ranker probability is at least this "
                                      "share of the best one's"})
    keep_floor: float = field(
        default_factory=lambda: _calibrated("keep_floor", 0.25),
        metadata={"help": "never keep a quote below this ranker probability"})
    single_answer: float = field(
        default_factory=lambda: _calibrated("single_answer", 0.65),
        metadata={"help": "a first quote this probable, with a clear lead, is "
                                       "quoted alone (value questions)"})
    confident_at: float = field(
        default=0.8, metadata={"help": "confidence at which the answer is stated as the answer "
                                      "(below it: 'closest passages')"})
    # -- verified question bank ------------------------------------------------------------
    bank_splits: tuple[str, ...] = field(
        default=("dev", "test"), metadata={"help": "which splits of seeds/bank answer questions "
                                                   "(measuring uses dev only)"})
    bank_min_cosine: float = field(
        default_factory=lambda: _calibrated("bank_min_cosine", 0.9),
        metadata={"help": "question-to-question MiniLM cosine for a bank match (chosen on dev)"})
    bank_min_cosine_use: float = field(
        default_factory=lambda: _calibrated("bank_min_cosine_use", 0.85),
        metadata={"help": "the same with multilingual USE (across languages; chosen on dev)"})
    bank_common_share: float = field(
        default=0.12, metadata={"help": "a lemma in at least this share of the corpus's "
                                        "sentences never decides a near miss (like 'people')"})
    bank_confidence: float = field(
        default_factory=lambda: _calibrated("bank_confidence", 0.85),
        metadata={"help": "confidence of a bank match: its precision measured on dev"})

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then MASANCHI_FEEDBACK_DB / MASANCHI_BANK_SPLITS (comma-separated, "" for
        no bank) / MASANCHI_MAX_CITATIONS / MASANCHI_QUERY_CACHE, then overrides."""
        env: dict[str, object] = {}
        if v := os.environ.get("MASANCHI_FEEDBACK_DB"):
            env["feedback_db"] = Path(v)
        if (v := os.environ.get("MASANCHI_BANK_SPLITS")) is not None:
            env["bank_splits"] = tuple(x.strip() for x in v.split(",") if x.strip())
        if v := os.environ.get("MASANCHI_MAX_CITATIONS"):
            env["max_citations"] = int(v)
        if v := os.environ.get("MASANCHI_QUERY_CACHE"):
            env["query_cache"] = int(v)
        return replace(cls(), **{**env, **overrides})
