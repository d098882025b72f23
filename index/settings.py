"""Index settings: one object with defaults and descriptions, normalised once at the edge."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class IndexSettings:
    """Where the corpus and the index live and how the corpus is cut (all recorded in the manifest).

    Environment overrides (read once by :meth:`from_env`): ``MASANCHI_SEEDS_DIR``,
    ``MASANCHI_INDEX_DIR``.
    """

    seeds_dir: Path = field(
        default=ROOT / "seeds", metadata={"help": "folder of *.txt articles + sources.toml"}
    )
    index_dir: Path = field(
        default=ROOT / ".cache" / "index", metadata={"help": "where the built index is kept"}
    )
    chunk_size: int = field(default=600, metadata={"help": "max characters per retrieval chunk"})
    chunk_overlap: int = field(default=150, metadata={"help": "characters shared by neighbours"})
    separators: tuple[str, ...] = field(
        default=("\n\n", "\n", ". ", "; ", ", ", " "),
        metadata={"help": "langchain RecursiveCharacterTextSplitter separators, in order"},
    )
    max_sentence_chars: int = field(
        default=420, metadata={"help": "longer sentences are cut at clause boundaries"}
    )
    model_file: Path = field(
        default=ROOT / "qa" / "models" / "ranker.json",
        metadata={"help": "the trained ranker, recorded (hash, features) in the manifest"},
    )
    multilingual: bool = field(
        default=True, metadata={"help": "also store multilingual (USE) sentence vectors"}
    )

    def __post_init__(self) -> None:
        if self.chunk_overlap >= self.chunk_size or self.chunk_size < 50:
            raise ValueError("need 50 <= chunk_size and chunk_overlap < chunk_size")

    @classmethod
    def from_env(cls, **overrides: object) -> IndexSettings:
        """Defaults, then environment variables, then explicit overrides."""
        env: dict[str, object] = {}
        if v := os.environ.get("MASANCHI_SEEDS_DIR"):
            env["seeds_dir"] = Path(v)
        if v := os.environ.get("MASANCHI_INDEX_DIR"):
            env["index_dir"] = Path(v)
        s = replace(cls(), **{**env, **overrides})
        return replace(s, seeds_dir=Path(s.seeds_dir).resolve(), index_dir=Path(s.index_dir))

    def cutting(self) -> dict[str, object]:
        """The settings that change what is built (compared against the manifest)."""
        skip = {"seeds_dir", "index_dir", "model_file"}
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        out["separators"] = list(self.separators)
        return out
