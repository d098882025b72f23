"""The content-hash vector cache: a rebuild embeds only texts it has not embedded before."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.store import VectorCache
from tests.conftest import KeywordEmbedder


class CountingEmbedder(KeywordEmbedder):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().encode(texts)


def test_a_rebuild_embeds_only_new_texts_and_vectors_are_identical(tmp_path: Path) -> None:
    emb = CountingEmbedder()
    first = VectorCache.load(tmp_path)  # nothing there yet
    a = first.encode(emb, ["one text", "two texts", "one text"], "x")
    assert emb.seen == ["one text", "two texts"] and first.misses == 2
    first.save(tmp_path)

    emb.seen.clear()
    second = VectorCache.load(tmp_path)
    b = second.encode(emb, ["two texts", "a new one", "one text"], "x")
    assert emb.seen == ["a new one"] and second.hits == 2
    assert np.array_equal(b[0], a[1]) and np.array_equal(b[2], a[0])


def test_a_clean_index_folder_reuses_the_shared_cache_which_stays_bounded(tmp_path: Path):
    emb = CountingEmbedder()
    shared = tmp_path / "shared"
    first = VectorCache.load(tmp_path / "a", shared)
    first.encode(emb, ["one", "two"], "x")
    (tmp_path / "a").mkdir()
    first.save(tmp_path / "a", shared)

    emb.seen.clear()
    clean = VectorCache.load(tmp_path / "b", shared)  # a new folder: only the shared cache
    clean.encode(emb, ["two", "three"], "x")
    assert emb.seen == ["three"] and clean.hits == 1
    (tmp_path / "b").mkdir()
    clean.save(tmp_path / "b", shared)
    assert len(VectorCache.load(tmp_path / "b").known) == 2  # the folder keeps what it used
    assert len(VectorCache.load(tmp_path / "c", shared).known) == 3  # the shared one, more

    for n in range(3):
        many = VectorCache()
        many.encode(emb, [f"text {n}"], "x")
        many.save(tmp_path / "b", shared)
    assert len(VectorCache.load(tmp_path / "c", shared).known) <= 2  # twice the last build


def test_another_model_never_reuses_the_vectors(tmp_path: Path) -> None:
    cache = VectorCache()
    cache.encode(KeywordEmbedder(), ["same text"], "x")
    other = CountingEmbedder()
    other.name = "another model"
    cache.encode(other, ["same text"], "x")
    assert other.seen == ["same text"]


def test_an_unreadable_cache_means_embedding_everything(tmp_path: Path) -> None:
    (tmp_path / VectorCache.FILE).write_bytes(b"not a zip file")
    assert VectorCache.load(tmp_path).known == {}
