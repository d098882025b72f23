"""Index settings: one object with defaults and descriptions, normalised once at the edge."""

from __future__ import annotations

import os
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class IndexSettings:
    """Where the corpus and the index live and how the corpus is cut (all recorded in the manifest,
    except the fields of :attr:`ANSWERING`, read only when answering).

    Environment overrides (read once by :meth:`from_env`): ``MASANCHI_SEEDS_DIR``,
    ``MASANCHI_INDEX_DIR``, ``MASANCHI_SHARED_CACHE_DIR``.
    """

    seeds_dir: Path = field(
        default=ROOT / "seeds", metadata={"help": "folder of *.txt articles + sources.toml"}
    )
    index_dir: Path = field(
        default=ROOT / ".cache" / "index", metadata={"help": "where the built index is kept"}
    )
    shared_cache_dir: Path = field(
        default=ROOT / ".cache" / "shared",
        metadata={"help": "vectors and bank analyses reused by every index folder (content-hashed"
                          "): a clean build, or a test's private index, embeds and parses only "
                          "texts no earlier build has seen"})
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
    # -- annotation and claim extraction (what is stored in annotations / claims.jsonl) -----
    governor_depth: int = field(
        default=4, metadata={"help": "annotations: tokens after a value searched for the word "
                                     "it counts, and most governing lemmas kept per value"})
    approx_tolerance: float = field(
        default=0.10, metadata={"help": "claims: relative tolerance of 'about' and of round "
                                        "figures (400, 20,000, 90 %)"})
    # -- names (index/names.py; used when answering, not recorded in the manifest) ---------
    same_name_ratio: float = field(
        default=0.8, metadata={"help": "name keys of 5+ letters at least this similar "
                                       "(difflib ratio) name the same thing"})

    #: Fields only the answering side reads: they change nothing that is built.
    ANSWERING = frozenset({"same_name_ratio"})

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
        if v := os.environ.get("MASANCHI_SHARED_CACHE_DIR"):
            env["shared_cache_dir"] = Path(v)
        s = replace(cls(), **{**env, **overrides})
        return replace(s, seeds_dir=Path(s.seeds_dir).resolve(), index_dir=Path(s.index_dir),
                       shared_cache_dir=Path(s.shared_cache_dir))

    @classmethod
    def value(cls, settings: IndexSettings | None, name: str) -> Any:
        """``settings.<name>``, or that field's default when there are no settings (read from the
        dataclass: no environment). For functions whose callers may pass none."""
        if settings is not None:
            return getattr(settings, name)
        f = cls.__dataclass_fields__[name]
        return f.default_factory() if f.default is MISSING else f.default

    def cutting(self) -> dict[str, object]:
        """The settings that change what is built (compared against the manifest)."""
        skip = {"seeds_dir", "index_dir", "shared_cache_dir", "model_file"} | self.ANSWERING
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        out["separators"] = list(self.separators)
        return out
