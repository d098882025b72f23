"""The synthetic scale corpus: deterministic, N articles, made only of seed sentences."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pytest

from bench.synthetic import generate, outlet_name, seed_sentences
from index.corpus import load_articles
from index.settings import ROOT

SEEDS = ROOT / "seeds"


@cache
def sentences() -> frozenset[str]:
    return frozenset(seed_sentences())


def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def _decompose(paragraph: str, known: frozenset[str]) -> list[str] | None:
    """Split a paragraph into seed sentences joined by single spaces (None if impossible)."""
    if paragraph in known:
        return [paragraph]
    pos = paragraph.find(" ")
    while pos >= 0:
        head = paragraph[:pos]
        if head in known:
            rest = _decompose(paragraph[pos + 1 :], known)
            if rest is not None:
                return [head, *rest]
        pos = paragraph.find(" ", pos + 1)
    return None


def test_seed_sentences_are_verbatim_seed_text() -> None:
    texts = [p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")]
    assert len(sentences()) > 200
    assert all(any(s in t for t in texts) for s in sentences())


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generate(20, tmp_path / "a")
    generate(20, tmp_path / "b")
    generate(20, tmp_path / "c", seed=7)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


@pytest.mark.parametrize("n", [1, 37])
def test_writes_n_articles_and_their_sources(tmp_path: Path, n: int) -> None:
    paths = generate(n, tmp_path)
    assert len(paths) == n == len(list(tmp_path.glob("*.txt")))
    meta = tomllib.loads((tmp_path / "sources.toml").read_text(encoding="utf-8"))
    assert sorted(meta) == sorted(p.stem for p in paths)
    assert meta[paths[0].stem]["outlet"] == outlet_name(1, n) == "Synthetic 0001"
    articles = load_articles(tmp_path)  # the project's own loader accepts the corpus
    assert [a.doc_id for a in articles] == [p.stem for p in paths]
    assert articles[-1].source.outlet == outlet_name(n, n)


def test_every_article_consists_of_seed_sentences(tmp_path: Path) -> None:
    known = sentences()
    for path in generate(40, tmp_path):
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n")
        used: list[str] = []
        for paragraph in text.rstrip("\n").split("\n\n"):
            parts = _decompose(paragraph, known)
            assert parts, f"{path.name}: {paragraph[:80]!r} is not made of seed sentences"
            used += parts
        assert len(used) == len(set(used)), f"{path.name} repeats a sentence"
