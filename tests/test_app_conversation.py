"""The chat as a conversation: history carried, 'ask it on its own', suggestions, reader marks.

Fast: the handlers are called in-process with a stub answerer (no index), the marks go to a
temporary SQLite file through qa.feedback. The browser versions are in test_app_browser.py.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from qa.present import handlers, session
from qa.types import Answer, Citation

QUOTE = "The latest official reports suggest that 8 people have been killed and 40 injured."


def _answer(question: str, resolved: str = "") -> Answer:
    cite = Citation(n=1, doc_id="fergana", start=0, end=len(QUOTE), quote=QUOTE,
                    outlet="Fergana")  # fmt: skip
    return Answer(question, False, f"[1] {QUOTE}", citations=(cite,), resolved_question=resolved,
                  confidence=0.9, confident=True)  # fmt: skip


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict:
    """Answers recorded with the history they were given; marks go to tmp_path."""
    seen: dict = {"histories": [], "db": tmp_path / "feedback.sqlite3"}

    def fake(question: str, history: list | None = None) -> Answer:
        seen["histories"].append(history)
        if history and question.lower().startswith("and "):
            return _answer(question, "How many people were injured?")
        return _answer(question)

    monkeypatch.setattr(session, "answer", fake)
    monkeypatch.setattr(session, "sources", lambda: {})
    nexts = ["What does each source say?", "Why do the figures differ?"]
    monkeypatch.setattr(session, "suggestions", lambda a, lang: nexts)
    monkeypatch.setattr(session, "feedback_db", lambda: seen["db"])
    monkeypatch.setattr(session, "manifest_hash", lambda: "abc123")
    return seen


def _last(steps: list) -> tuple:
    return steps[-1]


def test_history_is_carried_and_the_resolved_question_shown(stub: dict) -> None:
    chat, _, turns, *_ = _last(list(handlers.respond("How many people were killed?", [], [])))
    assert not stub["histories"][-1]  # a first question: no history
    out = _last(list(handlers.respond("And injured?", chat, turns)))
    chat, _, turns, _picks, alone, _target, _quote, *suggested = out
    history = stub["histories"][-1]
    assert [h["question"] for h in history] == ["How many people were killed?"]
    assert set(history[0]) == {"question", "resolved_question", "answer"}
    assert history[0]["answer"]["citations"][0]["quote"] == QUOTE
    assert turns[-1]["resolved_question"] == "How many people were injured?"
    assert "Answering&#58; How many people were injured?" in chat[-1]["content"]
    assert alone.visible and "And injured?" in alone.value
    assert [b.value for b in suggested[:2]] == ["What does each source say?",
                                                "Why do the figures differ?"]  # fmt: skip
    assert suggested[2].visible is False
    # one click: the same question without the conversation
    chat, _, turns, _p, alone, *_ = _last(list(handlers.respond_alone(chat, turns)))
    assert stub["histories"][-1] is None
    assert turns[-1]["question"] == "And injured?" and turns[-1]["resolved_question"] == ""
    assert "Answering" not in chat[-1]["content"] and alone.visible is False


def test_russian_pending_and_error_notes(stub: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = list(handlers.respond("Сколько человек погибло?", [], []))
    assert steps[0][0][-1]["metadata"]["title"].startswith(("Ищу", "Готовится"))

    def broken(question: str, history: list | None = None) -> Answer:
        raise RuntimeError("индекс недоступен")

    monkeypatch.setattr(session, "answer", broken)
    steps = list(handlers.respond("А раненых?", [], []))
    assert "Что-то пошло не так" in steps[-1][0][-1]["content"]


def test_a_mark_is_stored_with_the_answer_and_shown_back_escaped(stub: dict) -> None:
    from qa import feedback

    *_, turns, _p, _a, target, quote, _s1, _s2, _s3, _s4 = _last(
        list(handlers.respond("How many people were killed?", [], [])))  # fmt: skip
    assert target.value == "0" and [v for _, v in quote.choices] == ["all", "1"]
    comment = "<b>wrong</b> " + "x" * 2000
    done, cleared = handlers.mark(turns, "0", "1", "wrong_quote", comment)
    assert "<b>" not in done and "&lt;b&gt;" in done and cleared == ""
    (row,) = feedback.marks(stub["db"])
    assert row["mark"] == "wrong_quote" and row["citation"] == 1
    assert row["question"] == row["resolved_question"] == "How many people were killed?"
    assert row["citations"][0]["quote"] == QUOTE and row["manifest"] == "abc123"
    assert len(row["comment"]) == feedback.MAX_COMMENT
    columns = {r[1] for r in sqlite3.connect(stub["db"]).execute("PRAGMA table_info(marks)")}
    assert not columns & {"ip", "address", "session", "user_agent", "cookie"}
    assert "Choose a mark" in handlers.mark(turns, "0", "all", None, "")[0]
    assert "Ask a question first" in handlers.mark([], None, None, "good", "")[0]


def test_eight_concurrent_markers_lose_nothing(stub: dict) -> None:
    from qa import feedback

    *_, turns, _p, _a, _t, _q, _s1, _s2, _s3, _s4 = _last(
        list(handlers.respond("How many people were killed?", [], [])))  # fmt: skip
    marks_each, workers = 5, 8
    start, errors = threading.Barrier(workers), []

    def marker(i: int) -> None:
        start.wait()
        for k in range(marks_each):
            done, _ = handlers.mark(turns, "0", "all", feedback.MARKS[i % 4], f"worker {i} #{k}")
            if "Thank you" not in done:
                errors.append(done)

    threads = [threading.Thread(target=marker, args=(i,)) for i in range(workers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == []
    comments = sorted(m["comment"] for m in feedback.marks(stub["db"]))
    assert comments == sorted(f"worker {i} #{k}" for i in range(workers) for k in range(marks_each))
