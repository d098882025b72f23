"""Baselines answer in the contract and cite verbatim spans (the dense one loads MiniLM)."""

from __future__ import annotations

import pytest

from eval.baselines import BM25SentenceBaseline, DenseChunkBaseline, split_sentences
from eval.scorer import load_seeds

SEEDS = load_seeds()
QUESTIONS = ["How many people died?", "How far is Sortobe from Masanchi?", "Сколько погибло?"]


def check_contract(result: dict) -> None:
    assert {"question", "refused", "text", "citations", "disagreements"} <= set(result)
    assert [c["n"] for c in result["citations"]] == list(range(1, len(result["citations"]) + 1))
    if result["refused"]:
        assert result["citations"] == []
    for c in result["citations"]:
        assert SEEDS[c["doc_id"]][c["start"] : c["end"]] == c["quote"]
        assert c["outlet"]


def test_sentence_split_round_trips() -> None:
    for doc_id, text in SEEDS.items():
        passages = split_sentences(doc_id, text)
        assert passages
        assert all(text[p.start : p.end] == p.text for p in passages)


def test_bm25_baseline() -> None:
    bm25 = BM25SentenceBaseline()
    for question in QUESTIONS:
        result = bm25(question)
        check_contract(result)
        assert len(result["citations"]) <= 3
    assert bm25("How many people died?")["citations"]
    assert bm25("zzzz qqqq")["refused"]


@pytest.mark.slow
def test_dense_baseline() -> None:
    dense = DenseChunkBaseline()
    for question in QUESTIONS:
        result = dense(question)
        check_contract(result)
        assert not result["refused"] and len(result["citations"]) == 3
        assert all(len(c["quote"]) <= 1000 for c in result["citations"])
