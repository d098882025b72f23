"""Answering settings: one object with defaults and descriptions, normalised once at the edge."""

from __future__ import annotations

import json
import os
from dataclasses import MISSING, dataclass, field, replace
from pathlib import Path
from typing import Any

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

    index: IndexSettings = field(
        default_factory=IndexSettings.from_env,
        metadata={"help": "where the corpus and the index live and how the corpus is cut"})
    max_citations: int = field(default=8, metadata={"help": "most quotes in one answer"})
    max_per_source: int = field(default=3, metadata={"help": "most quotes from one article"})
    max_question_chars: int = field(
        default=1000, metadata={"help": "longer questions are rejected with a message"}
    )
    max_history: int = field(
        default=6, metadata={"help": "earlier turns of a conversation looked at (TREC CAsT: "
                                     "the useful context is short)"})
    answer_near_chars: int = field(
        default=40, metadata={"help": "how far (characters) from the asked noun or its verb a "
                                      "name in an earlier answer may stand to be what a "
                                      "follow-up's pronoun refers to"})
    feedback_db: Path = field(
        default=IndexSettings().index_dir.parent / "feedback.sqlite3",
        metadata={"help": "reader marks (SQLite, outside the index folder); "
                          "MASANCHI_FEEDBACK_DB overrides"})
    translations_per_word: int = field(
        default=3, metadata={"help": "English candidates kept per Russian focus word"})
    point_min_cosine: float = field(
        default=0.45, metadata={"help": "USE cosine for a Russian figure word to name a point "
                                        "(on dev words below it named the wrong one: год -> km "
                                        "0.41, участвовать -> fled 0.35)"})
    # -- serving (qa/present/server.py) ----------------------------------------------------
    answer_workers: int = field(
        default=4, metadata={"help": "answers computed at once by the server (threads); the "
                                     "engine's read path is lock-free"})
    answer_processes: int = field(
        default_factory=lambda: int(os.environ.get("MASANCHI_ANSWER_PROCESSES") or 2),
        metadata={"help": "worker processes answering POST /api/ask, each with its own engine "
                          "(~0.65 GiB more memory each), so answers use every core "
                          "(qa/present/workers.py; measured best at the core count, 2); 0 or 1: "
                          "answer in the server process's threads; MASANCHI_ANSWER_PROCESSES "
                          "overrides"})
    worker_start_timeout_s: float = field(
        default=600.0, metadata={"help": "seconds an answer worker may take to warm up (load "
                                         "the index and the models) before it is stopped"})
    worker_start_failures: int = field(
        default=3, metadata={"help": "an answer worker slot gives up after this many failed "
                                     "starts in a row"})
    max_request_bytes: int = field(
        default=256 * 1024, metadata={"help": "larger request bodies are refused (413) unread"})
    rate_per_second: float = field(
        default=100.0, metadata={"help": "questions (POSTs) a second per client address, "
                                         "sustained; a classroom behind one address stays below"})
    rate_burst: float = field(
        default=1000.0, metadata={"help": "questions one address may send at once before the "
                                          "rate applies"})
    name_cache: int = field(
        default=4096, metadata={"help": "question names whose spellings in the articles are "
                                        "remembered (names recur across questions); 0 turns it "
                                        "off"})
    onnx_questions: bool = field(
        default=True, metadata={"help": "encode questions with MiniLM through ONNX Runtime (the "
                                        "same vectors, ~3x faster than torch; exported once into "
                                        "shared_cache_dir); MASANCHI_ONNX=0 turns it off"})
    onnx_int8: bool = field(
        default=True, metadata={"help": "questions through an int8 quantisation of the ONNX "
                                        "export (3.4 vs 6.6 ms a question; vectors within cosine "
                                        "0.99 of float32's; on the test split every metric within "
                                        "0.005, warm p95 56 -> 46 ms); MASANCHI_ONNX_INT8=0 "
                                        "turns it off"})
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
    likely_at: float = field(
        default_factory=lambda: _calibrated("likely_at", 0.5),
        metadata={"help": "confidence at which the answer is stated hedged ('most likely'); "
                          "below it the quotes are shown as the closest passages (chosen on "
                          "dev: the first quote right at least LIKELY_PRECISION of the time)"})
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

    # -- matching and selection thresholds -------------------------------------------------
    bank_min_focus_overlap: float = field(
        default=0.34, metadata={"help": "share of the focus two matching questions must have in "
                                        "common (Jaccard of their focus lemma sets)"})
    bank_neighbours: int = field(
        default=7, metadata={"help": "how many nearest bank questions vote on whether a new one "
                                     "is answerable"})
    bank_match_candidates: int = field(
        default=10, metadata={"help": "closest bank questions checked for agreement with a new "
                                      "one (a match is one of these)"})
    refuse_about_focus: float = field(
        default=0.5, metadata={"help": "a passage counts as 'about the focus' when it (with its "
                                       "paragraph) covers at least this share of it"})
    refuse_look_at: int = field(
        default=10, metadata={"help": "how many of the best candidates the refusal's value and "
                                      "constraint checks look at"})
    refuse_no_value_below: float = field(
        default=0.5, metadata={"help": "'the articles never give <a value>' is said only when "
                                       "P(answerable) is below this"})
    near_chars: int = field(
        default=40, metadata={"help": "a value this many characters from a focus word is 'near' "
                                      "it (the value_near check)"})
    near_duplicate: float = field(
        default=0.6, metadata={"help": "quotes from one article whose lemma sets overlap this "
                                       "much (Jaccard) say the same thing; only one is kept"})
    # -- contested points (qa/contested.py, discovered when the index is loaded) -----------
    predicate_sim: float = field(
        default=0.55, metadata={"help": "a person count of another event is shown beside a "
                                        "point when its predicate is at least this similar to "
                                        "a point claim's (a related count needs related_sim)"})
    cluster_sim: float = field(
        default=0.55, metadata={"help": "clusters of claims merge while the average similarity "
                                        "of what their claims count is this high"})
    thing_noun_sim: float = field(
        default=0.35, metadata={"help": "two counts of things can be the same thing only when "
                                        "their nouns are this similar"})
    thing_predicate_sim: float = field(
        default=0.30, metadata={"help": "... and their predicates (when both have one) at least "
                                        "this similar"})
    person_sim: float = field(
        default=0.55, metadata={"help": "a counted noun this similar to a person anchor "
                                        "('people', 'workers', 'citizens') counts persons"})
    related_sim: float = field(
        default=0.40, metadata={"help": "a different count this similar to a point is shown "
                                        "beside it, explained"})
    framing_min_sim: float = field(
        default=0.35, metadata={"help": "account questions: a source's best sentence must be at "
                                        "least this similar to be shown"})
    opposed_min_sim: float = field(
        default=0.50, metadata={"help": "opposite own-voice positions count as a disagreement "
                                        "only above this similarity"})

    @classmethod
    def value(cls, settings: Settings | None, name: str) -> Any:
        """``settings.<name>``, or that field's default when there are no settings (read from the
        dataclass: no environment, no files). For functions whose callers may pass none."""
        if settings is not None:
            return getattr(settings, name)
        f = cls.__dataclass_fields__[name]
        return f.default_factory() if f.default is MISSING else f.default

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then MASANCHI_FEEDBACK_DB / MASANCHI_BANK_SPLITS (comma-separated, "" for
        no bank) / MASANCHI_MAX_CITATIONS / MASANCHI_QUERY_CACHE / MASANCHI_ONNX /
        MASANCHI_ONNX_INT8, then overrides (MASANCHI_ANSWER_PROCESSES is read by its field's
        default)."""
        env: dict[str, object] = {}
        if v := os.environ.get("MASANCHI_FEEDBACK_DB"):
            env["feedback_db"] = Path(v)
        if (v := os.environ.get("MASANCHI_BANK_SPLITS")) is not None:
            env["bank_splits"] = tuple(x.strip() for x in v.split(",") if x.strip())
        if v := os.environ.get("MASANCHI_MAX_CITATIONS"):
            env["max_citations"] = int(v)
        if v := os.environ.get("MASANCHI_QUERY_CACHE"):
            env["query_cache"] = int(v)
        if v := os.environ.get("MASANCHI_ONNX"):
            env["onnx_questions"] = v.strip().lower() not in {"0", "false", "no", "off"}
        if v := os.environ.get("MASANCHI_ONNX_INT8"):
            env["onnx_int8"] = v.strip().lower() not in {"0", "false", "no", "off"}
        return replace(cls(), **{**env, **overrides})
