"""Answering settings: one object with defaults and descriptions, normalised once at the edge."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.settings import IndexSettings

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


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
    top_chunks: int = field(default=8, metadata={"help": "chunks kept after BM25+dense fusion"})
    rrf_k: int = field(default=60, metadata={"help": "reciprocal rank fusion constant"})
    extra_sentences: int = field(
        default=10, metadata={"help": "sentences added straight from sentence-level search"}
    )
    w_dense: float = field(default=0.55, metadata={"help": "weight of sentence cosine"})
    w_lexical: float = field(default=0.30, metadata={"help": "weight of idf-weighted term overlap"})
    w_chunk: float = field(default=0.15, metadata={"help": "weight of the chunk's fused rank"})
    figure_bonus: float = field(
        default=0.12, metadata={"help": "added when a sentence states the figure asked for"}
    )
    max_citations: int = field(default=8, metadata={"help": "most quotes in one answer"})
    max_coverage: int = field(
        default=16, metadata={"help": "most quotes added to cover every source's figure "
                                      "(bounds answers over large corpora)"},
    )
    max_per_source: int = field(default=3, metadata={"help": "most quotes from one article"})
    relative_cutoff: float = field(
        default=0.80, metadata={"help": "keep quotes scoring at least this share of the best"}
    )
    refuse_below: float = field(
        default_factory=lambda: _calibrated("refuse_below", 0.45),
        metadata={"help": "refuse when the best English evidence scores below this (calibrated)"},
    )
    refuse_below_ru: float = field(
        default_factory=lambda: _calibrated("refuse_below_ru", 0.30),
        metadata={"help": "the same for questions in Russian (multilingual encoder scale)"},
    )
    max_question_chars: int = field(
        default=1000, metadata={"help": "longer questions are rejected with a message"}
    )

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then MASANCHI_REFUSE_BELOW / MASANCHI_MAX_CITATIONS, then overrides."""
        env: dict[str, object] = {}
        if v := os.environ.get("MASANCHI_REFUSE_BELOW"):
            env["refuse_below"] = float(v)
        if v := os.environ.get("MASANCHI_MAX_CITATIONS"):
            env["max_citations"] = int(v)
        return replace(cls(), **{**env, **overrides})
