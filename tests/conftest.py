"""Shared fixtures: a fake keyword embedder for fast tests, real models in session fixtures."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.settings import ROOT, IndexSettings
from index.text import terms

SEEDS = ROOT / "seeds"


class KeywordEmbedder:
    """A fast stand-in for MiniLM: hashed bag of stemmed terms, unit length."""

    name = "fake-keyword-embedder"
    dims = 64

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for row, text in enumerate(texts):
            for t in terms(text) or ["empty"]:
                out[row, int(hashlib.md5(t.encode()).hexdigest(), 16) % self.dims] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


@pytest.fixture
def keyword_embedder() -> KeywordEmbedder:
    return KeywordEmbedder()


@pytest.fixture
def tmp_seeds(tmp_path: Path) -> Path:
    """A private copy of seeds/ that a test may edit."""
    d = tmp_path / "seeds"
    shutil.copytree(SEEDS, d)
    return d


@pytest.fixture
def fake_settings(tmp_path: Path, tmp_seeds: Path) -> IndexSettings:
    """Index settings on a private seeds copy, index dir and shared cache, without the
    multilingual model."""
    return IndexSettings.from_env(seeds_dir=tmp_seeds, index_dir=tmp_path / "index",
                                  shared_cache_dir=tmp_path / "shared", multilingual=False)


@pytest.fixture(scope="session")
def real_engine():
    """The real engine (MiniLM + USE) on the project's default index, built if needed."""
    from qa import engine

    eng = engine()
    eng.warm_up()
    return eng


def seed_text(doc_id: str) -> str:
    return (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8")


def _have_dictionary() -> bool:
    from qa import translate

    return bool(translate._found_dictionaries())


#: Tests whose expectations rest on the Russian-English dictionary (Debian's mueller7-dict, which
#: .ci/run installs): skipped, saying why, where it is not installed.
needs_dictionary = pytest.mark.skipif(
    not _have_dictionary() and os.environ.get("MASANCHI_REQUIRE_DICTIONARY") != "1",
    reason="no Russian-English dictionary (apt-get install mueller7-dict)")
