"""MiniLM for questions through ONNX Runtime: the same vectors as torch, and torch whenever the
export is missing, corrupt or wrong."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embed import ONE_THREAD_BATCH, OnnxQueryEmbedder, minilm

QUESTIONS = ["How many people were killed?", "Who was driving the minivan in Sortobe?",
             "Сколько человек бежало в Кыргызстан?"]


@pytest.fixture(scope="module")
def exported(real_engine) -> Path:
    """The export the real engine made (or made again) in the shared cache folder."""
    folder = real_engine.settings.index.shared_cache_dir
    fast = OnnxQueryEmbedder(minilm(), folder)
    assert fast.fast
    return next(folder.glob("minilm-*.onnx"))


def test_question_vectors_equal_torch(exported):
    fast, torch_model = OnnxQueryEmbedder(minilm(), exported.parent), minilm()
    assert fast.name == torch_model.name and fast.dims == torch_model.dims
    got = np.vstack([fast.encode([q]) for q in QUESTIONS])
    want = torch_model.encode(QUESTIONS)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert ((got * want).sum(axis=1) >= 0.9999).all()
    batch = QUESTIONS * ONE_THREAD_BATCH  # large batches (index building) stay on torch
    assert np.array_equal(fast.encode(batch), torch_model.encode(batch))


def test_a_corrupt_export_is_made_again(exported, tmp_path, monkeypatch):
    (tmp_path / exported.name).write_bytes(b"not an onnx model")
    blob = exported.read_bytes()
    monkeypatch.setattr(OnnxQueryEmbedder, "_export", lambda self: blob)
    fast = OnnxQueryEmbedder(minilm(), tmp_path)
    assert fast.fast and (tmp_path / exported.name).read_bytes() == blob


def test_an_unusable_export_falls_back_to_torch(exported, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(OnnxQueryEmbedder, "_export", lambda self: b"garbage")
    fast = OnnxQueryEmbedder(minilm(), tmp_path)
    assert not fast.fast
    assert "through torch" in capsys.readouterr().err
    assert np.array_equal(fast.encode(QUESTIONS[:1]), minilm().encode(QUESTIONS[:1]))
