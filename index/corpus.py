"""Load the articles in seeds/ with their metadata. The only module that reads seed files."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

from index.settings import IndexSettings
from index.types import Article, Source

SOURCES_FILE = "sources.toml"
#: Verified questions about this corpus (optional): ``seeds/bank/*.jsonl``.
BANK_DIR = "bank"


class CorpusError(RuntimeError):
    """The seeds folder is missing, empty, unreadable or inconsistent."""


def _default_dir() -> Path:
    return IndexSettings.from_env().seeds_dir


def seed_paths(seeds_dir: Path | None = None) -> list[Path]:
    """The article files, sorted by name (the doc_id order)."""
    d = Path(seeds_dir or _default_dir())
    if not d.is_dir():
        raise CorpusError(f"seeds folder not found: {d}")
    paths = sorted(d.glob("*.txt"))
    if not paths:
        raise CorpusError(f"no *.txt articles in {d}")
    return paths


def load_sources(seeds_dir: Path | None = None) -> dict[str, Source]:
    """Metadata from sources.toml; an article without an entry gets its file stem as outlet."""
    path = Path(seeds_dir or _default_dir()) / SOURCES_FILE
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise CorpusError(f"{path} is not valid TOML: {e}") from e
    known = set(Source.__dataclass_fields__) - {"doc_id"}
    return {
        doc_id: Source(doc_id=doc_id, **{k: str(v) for k, v in entry.items() if k in known})
        for doc_id, entry in data.items()
    }


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seed_hashes(seeds_dir: Path | None = None) -> dict[str, str]:
    """doc_id -> sha256 of every article file, plus sources.toml (for staleness checks)."""
    d = Path(seeds_dir or _default_dir())
    out = {p.stem: file_sha256(p) for p in seed_paths(d)}
    meta = d / SOURCES_FILE
    out[SOURCES_FILE] = file_sha256(meta) if meta.exists() else ""
    for p in bank_paths(d):
        out[f"{BANK_DIR}/{p.name}"] = file_sha256(p)
    return out


def bank_paths(seeds_dir: Path | None = None) -> list[Path]:
    """The verified-question files of the corpus, sorted (none is fine)."""
    return sorted((Path(seeds_dir or _default_dir()) / BANK_DIR).glob("*.jsonl"))


def load_bank(seeds_dir: Path | None = None) -> list[dict]:
    """Every verified question (one JSON object a line), in file order; a bad line is an error."""
    items = []
    for p in bank_paths(seeds_dir):
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise CorpusError(f"{p.name}:{n} is not JSON: {e}") from e
    return items


def load_articles(seeds_dir: Path | None = None) -> list[Article]:
    """Every article, text exactly as on disk (UTF-8), in doc_id order."""
    d = Path(seeds_dir or _default_dir())
    sources = load_sources(d)
    articles = []
    for p in seed_paths(d):
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise CorpusError(f"{p.name} is not UTF-8: {e}") from e
        source = sources.get(p.stem) or Source(doc_id=p.stem, outlet=p.stem)
        articles.append(
            Article(doc_id=p.stem, text=text, sha256=hashlib.sha256(raw).hexdigest(), source=source)
        )
    return articles
