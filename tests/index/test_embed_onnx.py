"""MiniLM for questions through ONNX Runtime: the same vectors as torch, and torch whenever the
export is missing, corrupt or wrong."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embed import ONE_THREAD_BATCH, ONNX_INT8_MIN_COSINE, OnnxQueryEmbedder, minilm

QUESTIONS = ["How many people were killed?", "Who was driving the minivan in Sortobe?",
             "Сколько человек бежало в Кыргызстан?"]


@pytest.fixture(scope="module")
def exported(real_engine) -> Path:
    """The export the real engine made (or made again) in the shared cache folder."""
    folder = real_engine.settings.index.shared_cache_dir
    fast = OnnxQueryEmbedder(minilm(), folder)
    assert fast.fast
    return next(f for f in folder.glob("minilm-*.onnx") if not f.stem.endswith("-int8"))


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


def test_the_int8_export_is_its_own_file_close_to_torch(exported, tmp_path):
    (tmp_path / exported.name).write_bytes(exported.read_bytes())
    int8 = OnnxQueryEmbedder(minilm(), tmp_path, int8=True)
    made = tmp_path / f"{exported.stem}-int8.onnx"
    assert int8.fast and made.exists() and made.stat().st_size < 0.8 * exported.stat().st_size
    assert (tmp_path / exported.name).read_bytes() == exported.read_bytes()  # float32 kept
    # English questions only: a Russian one is never embedded with MiniLM (Engine.models_for),
    # and its int8 vector drifts further on CPUs without VNNI (0.961 at the least on AVX2)
    english = [q for q in QUESTIONS if q.isascii()]
    got = np.vstack([int8.encode([q]) for q in english])
    cos = (got * minilm().encode(english)).sum(axis=1)
    assert (cos >= ONNX_INT8_MIN_COSINE).all() and (cos < 0.99999).any()  # close, not equal
    made.write_bytes(b"not an onnx model")  # a corrupt int8 file is made again
    assert OnnxQueryEmbedder(minilm(), tmp_path, int8=True).fast
    assert made.read_bytes()[:4] != b"not "
