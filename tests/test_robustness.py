"""Robustness with the real models: concurrency, a damaged index, a seed edited at run time.

No wall-clock assertions (timings live in ``python -m bench``); these check that answers stay
right: identical under concurrency, rebuilt (with a message) rather than wrong, and always
quoting the text that is on disk now.
"""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from index.settings import ROOT, IndexSettings
from qa.engine import Engine
from qa.settings import Settings
from qa.types import Answer

pytestmark = pytest.mark.slow

QUESTIONS = [
    "How many people were killed?",
    "How many people were injured?",
    "What happened on the road between Masanchi and Sortobe?",
    "Who are the Dungans?",
    "How many people fled to Kyrgyzstan?",
    "Was the conflict ethnic?",
    "What did President Tokayev say about the clashes?",
    "Which article of the Criminal Code was the investigation opened under?",
    "Сколько человек погибло?",
    "Who won the 2018 football World Cup?",
    "What is the exchange rate of the tenge today?",
    "",
]
KILLED = "How many people were killed?"
EDITED_DOC = "001_152506a2ec9fb58b"


def comparable(answer: Answer) -> dict:
    """An answer as JSON without its timings (the only field allowed to differ between runs)."""
    d = answer.to_dict()
    d.pop("timings_ms", None)
    return d


def assert_verbatim(answer: Answer, seeds_dir: Path) -> None:
    """Every citation quotes the file on disk at its offsets."""
    for c in answer.citations:
        text = (seeds_dir / f"{c.doc_id}.txt").read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.quote, f"[{c.n}] {c.doc_id} {c.start}:{c.end}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> IndexSettings:
    """A private index of the real seeds (built once for this module)."""
    root = tmp_path_factory.mktemp("robust")
    settings = IndexSettings.from_env(seeds_dir=ROOT / "seeds", index_dir=root / "index")
    Engine(Settings(index=settings)).warm_up()
    return settings


@pytest.fixture(scope="module")
def reference(built: IndexSettings) -> dict[str, dict]:
    """Serial answers from a fresh engine on the intact index."""
    engine = Engine(Settings(index=built))
    return {q: comparable(engine.answer(q)) for q in QUESTIONS}


def test_concurrent_answers_equal_serial_answers(built: IndexSettings,
                                                 reference: dict[str, dict]) -> None:
    engine = Engine(Settings(index=built))  # cold: the first calls race to load the index
    work = QUESTIONS * 3
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(engine.answer, work))
    for q, a in zip(work, results, strict=True):
        assert comparable(a) == reference[q], q
        assert_verbatim(a, built.seeds_dir)


def test_concurrent_public_answer_is_deterministic() -> None:
    import qa

    serial = {q: comparable(qa.answer(q)) for q in QUESTIONS[:6]}
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(qa.answer, QUESTIONS[:6] * 4))
    for q, a in zip(QUESTIONS[:6] * 4, results, strict=True):
        assert comparable(a) == serial[q], q


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip(path: Path) -> None:
    """Same size, different bytes: only the checksum can tell."""
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 64] = bytes(b ^ 0xFF for b in data[mid : mid + 64])
    path.write_bytes(bytes(data))


DAMAGE = {
    "delete sentences.jsonl": lambda d: (d / "sentences.jsonl").unlink(),
    "truncate chunks.faiss": lambda d: _truncate(d / "chunks.faiss"),
    "flip bytes in sentences_use.faiss": lambda d: _flip(d / "sentences_use.faiss"),
    "truncate manifest.json": lambda d: _truncate(d / "manifest.json"),
    "delete manifest.json": lambda d: (d / "manifest.json").unlink(),
    "delete a bm25 folder": lambda d: shutil.rmtree(d / "bm25_sentences"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_index_is_rebuilt_with_a_message(tmp_path: Path, built: IndexSettings,
                                                 reference: dict[str, dict],
                                                 damage: str) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(built.index_dir, index_dir)
    settings = IndexSettings.from_env(seeds_dir=built.seeds_dir, index_dir=index_dir)
    DAMAGE[damage](index_dir)
    messages: list[str] = []
    engine = Engine(Settings(index=settings), progress=messages.append)
    for q in QUESTIONS[:4]:
        a = engine.answer(q)
        assert comparable(a) == reference[q], q
        assert_verbatim(a, settings.seeds_dir)
    assert any("Building the index" in m or "rebuilding" in m for m in messages), messages
    assert (index_dir / "manifest.json").exists()
    messages.clear()
    Engine(Settings(index=settings), progress=messages.append).warm_up()
    assert not any("Building" in m or "rebuilding" in m for m in messages), messages


def test_seed_edited_while_the_engine_is_live(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    settings = IndexSettings.from_env(seeds_dir=seeds, index_dir=tmp_path / "index")
    messages: list[str] = []
    engine = Engine(Settings(index=settings), progress=messages.append)
    before = engine.answer(KILLED)
    assert_verbatim(before, seeds)
    assert any(c.doc_id == EDITED_DOC for c in before.citations)

    path = seeds / f"{EDITED_DOC}.txt"
    old = path.read_text(encoding="utf-8")
    claim = re.search(r"\b8(\s+people\s+were\s+killed)", old)  # the text uses no-break spaces
    assert claim
    new = ("Editor's note: this report was updated after publication.\n\n"
           + old[: claim.start()] + "12" + old[claim.start() + 1 :])
    path.write_text(new, encoding="utf-8")
    messages.clear()

    after = engine.answer(KILLED)
    assert any("seed file changed" in m.lower() for m in messages), messages
    assert_verbatim(after, seeds)
    edited = [c for c in after.citations if c.doc_id == EDITED_DOC]
    assert edited and all(new[c.start : c.end] == c.quote for c in edited)
    assert not any(claim.group(0) in c.quote for c in edited)  # the old text is never quoted
    # the figure is re-extracted from the new text: the catalogue gives Fergana's 12
    assert any(c.doc_id == EDITED_DOC and c.value == "12" and c.quote in new
               for p in engine.catalogue() for c in p.claims)
