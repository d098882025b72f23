import json
from pathlib import Path

import pytest

from index.settings import IndexSettings
from index.store import IndexError_, build, load, load_or_build, staleness

NAME = "fake-keyword-embedder"


def _messages():
    msgs: list[str] = []
    return msgs, msgs.append


def test_build_writes_manifest_and_rows_match_vectors(fake_settings, keyword_embedder):
    manifest = build(fake_settings, lambda m: None, keyword_embedder)
    d = fake_settings.index_dir
    assert manifest["model"] == {"name": NAME, "dims": 64}
    assert set(manifest["seeds"]) >= {p.stem for p in fake_settings.seeds_dir.glob("*.txt")}
    assert manifest["settings"]["chunk_size"] == fake_settings.chunk_size
    assert staleness(fake_settings, NAME, None) is None
    store = load(fake_settings)
    rows = (d / "chunks.jsonl").read_text().splitlines()
    assert store.chunk_index.ntotal == len(rows) == len(store.chunks)
    assert len(store.sentence_vectors) == len(store.sentences)


def test_changed_seed_is_detected_and_rebuilt(fake_settings, keyword_embedder):
    build(fake_settings, lambda m: None, keyword_embedder)
    seed = sorted(fake_settings.seeds_dir.glob("*.txt"))[1]
    seed.write_text(seed.read_text(encoding="utf-8") + "\nA new last line.", encoding="utf-8")
    reason = staleness(fake_settings, NAME, None)
    assert reason and seed.stem in reason
    msgs, progress = _messages()
    store = load_or_build(fake_settings, progress, keyword_embedder)
    assert any("seed files changed" in m for m in msgs)
    assert any(s.text == "A new last line." for s in store.sentences)


def test_truncated_faiss_file_triggers_a_rebuild_with_a_message(fake_settings, keyword_embedder):
    build(fake_settings, lambda m: None, keyword_embedder)
    f = fake_settings.index_dir / "chunks.faiss"
    f.write_bytes(f.read_bytes()[:100])
    msgs, progress = _messages()
    store = load_or_build(fake_settings, progress, keyword_embedder)
    assert any("chunks.faiss is corrupt" in m for m in msgs)
    assert store.chunk_index.ntotal == len(store.chunks)


@pytest.mark.parametrize("victim", ["manifest.json", "sentences.jsonl", "sentences.faiss"])
def test_missing_or_corrupt_files_rebuild(fake_settings, keyword_embedder, victim):
    build(fake_settings, lambda m: None, keyword_embedder)
    path = fake_settings.index_dir / victim
    if victim == "manifest.json":
        path.write_text("{not json")
    else:
        path.unlink()
    msgs, progress = _messages()
    store = load_or_build(fake_settings, progress, keyword_embedder)
    assert msgs and "Building the index" in msgs[0]
    assert len(store.sentences) == len(store.sentence_vectors)


def test_settings_or_model_change_means_stale(fake_settings: IndexSettings, keyword_embedder):
    build(fake_settings, lambda m: None, keyword_embedder)
    assert staleness(fake_settings, "another-model", None) == "the embedding model changed"
    bigger = IndexSettings.from_env(seeds_dir=fake_settings.seeds_dir,
                                    index_dir=fake_settings.index_dir, chunk_size=800,
                                    multilingual=False)
    assert staleness(bigger, NAME, None) == "the chunking settings changed"


def test_unreadable_seeds_give_a_clear_error(tmp_path: Path, keyword_embedder):
    s = IndexSettings.from_env(seeds_dir=tmp_path / "nothing", index_dir=tmp_path / "i",
                               multilingual=False)
    with pytest.raises(IndexError_, match="seeds folder not found"):
        load_or_build(s, lambda m: None, keyword_embedder)


def test_manifest_records_every_file_with_hash(fake_settings, keyword_embedder):
    build(fake_settings, lambda m: None, keyword_embedder)
    m = json.loads((fake_settings.index_dir / "manifest.json").read_text())
    assert {"chunks.faiss", "sentences.faiss", "chunks.jsonl", "sentences.jsonl"} <= set(m["files"])
    assert any(k.startswith("bm25_chunks") for k in m["files"])
