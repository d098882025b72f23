"""Reader feedback in SQLite (qa/feedback.py): durable, WAL, concurrent writers, bounded."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from qa import feedback

CITES = [{"n": 1, "doc_id": "001_x", "start": 0, "end": 9, "quote": "Eight died", "outlet": "F",
          "score": 0.9},
         {"n": 2, "doc_id": "002_y", "start": 5, "end": 20, "quote": "Eleven lives lost",
          "outlet": "W"}]


def test_record_and_read_back_across_a_reopen(tmp_path: Path):
    db = tmp_path / "fb" / "marks.sqlite3"
    rid = feedback.record(db, "wrong_quote", "And injured?", "How many people were injured?",
                          CITES, citation=2, comment="not about injuries", manifest="abc123")
    assert rid == 1
    # a different process reads what this one wrote (the file on disk, not a cache)
    code = ("import json,sys; from qa import feedback; "
            "print(json.dumps(feedback.marks(sys.argv[1])))")
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    (m,) = json.loads(out.stdout)
    assert m["mark"] == "wrong_quote" and m["citation"] == 2 and m["manifest"] == "abc123"
    assert m["question"] == "And injured?" and m["resolved_question"].startswith("How many")
    assert [c["n"] for c in m["citations"]] == [1, 2] and "score" not in m["citations"][0]
    assert m["time"].endswith("Z")


def test_wal_mode_and_nothing_identifying(tmp_path: Path):
    db = tmp_path / "m.db"
    feedback.record(db, "good", "How many died?")
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    cols = {r[1] for r in con.execute("PRAGMA table_info(marks)")}
    con.close()
    assert cols == {"id", "time", "mark", "comment", "question", "resolved_question",
                    "citations", "citation", "manifest"}


def test_eight_concurrent_writers_lose_nothing(tmp_path: Path):
    db = tmp_path / "m.db"
    per, errors = 40, []
    start = threading.Barrier(8)

    def writer(k: int) -> None:
        try:
            start.wait()
            for i in range(per):
                feedback.record(db, feedback.MARKS[i % 4], f"q{k}-{i}", citations=CITES,
                                citation=1 if i % 2 else None, comment=f"w{k}")
                if i % 10 == 0:
                    feedback.marks(db)  # readers in the middle of the writes
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rows = feedback.marks(db)
    assert len(rows) == 8 * per
    assert {r["question"] for r in rows} == {f"q{k}-{i}" for k in range(8) for i in range(per)}


def test_comment_is_bounded_and_stored_raw(tmp_path: Path):
    db = tmp_path / "m.db"
    feedback.record(db, "missing", "Who?", comment="<script>alert(1)</script>" + "x" * 5000)
    (m,) = feedback.marks(db)
    assert len(m["comment"]) == feedback.MAX_COMMENT
    assert m["comment"].startswith("<script>alert(1)</script>")  # the presenter escapes it


@pytest.mark.parametrize("kw", [{"mark": "bad"}, {"mark": "good", "question": " "},
                                {"mark": "good", "citation": 7},
                                {"mark": "good", "citation": True}])
def test_bad_marks_are_rejected(tmp_path: Path, kw):
    args = {"question": "How many died?", "citations": CITES, **kw}
    with pytest.raises(ValueError):
        feedback.record(tmp_path / "m.db", **args)
    assert feedback.marks(tmp_path / "m.db") == []


def test_no_database_means_no_marks(tmp_path: Path):
    assert feedback.marks(tmp_path / "absent.db") == []
    assert not (tmp_path / "absent.db").exists()


def test_record_answer_takes_an_answer_dict(tmp_path: Path):
    ans = {"question": "And Fergana?", "resolved_question": "How many died according to "
           "Fergana?", "citations": CITES}
    feedback.record_answer(tmp_path / "m.db", ans, "good", citation=1)
    (m,) = feedback.marks(tmp_path / "m.db")
    assert m["resolved_question"] == ans["resolved_question"] and m["citation"] == 1


def test_draft_items_are_drafts_never_test(tmp_path: Path):
    db = tmp_path / "m.db"
    feedback.record(db, "wrong_quote", "And injured?", "How many were injured?", CITES,
                    citation=2, comment="off topic")
    feedback.record(db, "wrong_quote", "And injured?", "How many were injured?", CITES,
                    citation=2)
    feedback.record(db, "good", "How many died?", "", CITES)
    feedback.record(db, "should_refuse", "Who won the match?", "", [])
    items = feedback.draft_items(db)
    assert {i["split"] for i in items} == {"draft"}
    wrong = next(i for i in items if i["mark"] == "wrong_quote")
    assert wrong["count"] == 2 and wrong["comments"] == ["off topic"]
    assert wrong["not_evidence"] == [{"doc": "002_y", "quote": "Eleven lives lost"}]
    assert wrong["evidence"] == [] and wrong["question"] == "How many were injured?"
    good = next(i for i in items if i["mark"] == "good")
    assert [e["quote"] for e in good["evidence"]] == ["Eight died", "Eleven lives lost"]
    refuse = next(i for i in items if i["mark"] == "should_refuse")
    assert refuse["answerable"] is False
    out = tmp_path / "drafts.jsonl"
    assert feedback.write_drafts(db, out) == 3
    assert all(json.loads(line)["split"] == "draft" for line in out.read_text().splitlines())
