"""Reader feedback: marks on answers and quotes, stored durably in a local SQLite database.

One table, ``marks``: when, which mark ("good" | "wrong_quote" | "missing" | "should_refuse"),
an optional comment (at most :data:`MAX_COMMENT` characters, stored raw; whoever shows it back
escapes it), the question as asked, the standalone question answered, the citations shown (JSON),
the number of the quote marked (None for the whole answer) and the index manifest hash (which
index generation answered). Nothing that identifies a visitor is stored: no address, no session,
no cookie, no user agent.

The database is opened in WAL mode (readers never block the writer, a crash loses no committed
mark), with ``synchronous=FULL`` and a busy timeout, one short-lived connection per call, so any
number of threads or processes may record and read at once. :func:`draft_items` turns marks into
*draft* eval items for a maintainer to review (split "draft", never "test").
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from pathlib import Path

MARKS: tuple[str, ...] = ("good", "wrong_quote", "missing", "should_refuse")
#: Longest comment kept (characters); longer comments are cut, not rejected.
MAX_COMMENT = 1000
#: Longest question kept (the engine rejects longer ones anyway).
MAX_QUESTION = 2000
#: Seconds a writer waits for another writer's lock before giving up.
BUSY_TIMEOUT_S = 30.0
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,                -- UTC, ISO 8601, seconds
    mark TEXT NOT NULL CHECK (mark IN ('good', 'wrong_quote', 'missing', 'should_refuse')),
    comment TEXT NOT NULL DEFAULT '',  -- raw, at most MAX_COMMENT characters; escape to show
    question TEXT NOT NULL,            -- as asked
    resolved_question TEXT NOT NULL,   -- the standalone question answered
    citations TEXT NOT NULL,           -- JSON list of {n, doc_id, start, end, quote, outlet}
    citation INTEGER,                  -- the [n] marked, NULL for the whole answer
    manifest TEXT NOT NULL DEFAULT ''  -- hash of the index manifest that answered
);
CREATE INDEX IF NOT EXISTS marks_time ON marks (time);
"""
_init_lock = threading.Lock()


def connect(db_path: str | Path) -> sqlite3.Connection:
    """A new connection to the feedback database (created with its table on first use)."""
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    con.row_factory = sqlite3.Row
    con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    with _init_lock:  # WAL and the table, idempotent (a deleted file is made again)
        mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            con.close()
            raise RuntimeError(f"feedback database {path} cannot use WAL (got {mode})")
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'marks'").fetchone() is None:
            con.executescript(_SCHEMA)
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    con.execute("PRAGMA synchronous = FULL")
    return con


def _clean_citations(citations: Iterable[Mapping] | None) -> list[dict]:
    out = []
    for c in citations or []:
        if not isinstance(c, Mapping):
            continue
        out.append({k: c.get(k) for k in ("n", "doc_id", "start", "end", "quote", "outlet")
                    if k in c})
    return out


def record(db_path: str | Path, mark: str, question: str, resolved_question: str = "",
           citations: Sequence[Mapping] | None = None, citation: int | None = None,
           comment: str = "", manifest: str = "", when: float | None = None) -> int:
    """Store one mark; returns its row id. Raises ValueError on an unknown mark or a citation
    number that the citations do not hold."""
    if mark not in MARKS:
        raise ValueError(f"unknown mark {mark!r}; one of {', '.join(MARKS)}")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("a mark needs the question it is about")
    cites = _clean_citations(citations)
    if citation is not None:
        if isinstance(citation, bool) or not isinstance(citation, int):
            raise ValueError("citation must be a citation number or None")
        if citation not in {c.get("n") for c in cites}:
            raise ValueError(f"citation [{citation}] is not among the answer's citations")
    comment = comment if isinstance(comment, str) else ""
    comment = comment.replace("\x00", "")[:MAX_COMMENT]
    question = question[:MAX_QUESTION]
    resolved = (resolved_question or question)[:MAX_QUESTION]
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when if when is not None
                                                               else time.time()))
    with closing(connect(db_path)) as con:
        cur = con.execute(
            "INSERT INTO marks (time, mark, comment, question, resolved_question, citations, "
            "citation, manifest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (stamp, mark, comment, question, resolved, json.dumps(cites, ensure_ascii=False),
             citation, manifest or ""),
        )
        return int(cur.lastrowid)


def record_answer(db_path: str | Path, answer: Mapping, mark: str, citation: int | None = None,
                  comment: str = "", manifest: str = "") -> int:
    """Store a mark on an ``Answer.to_dict()`` (what the app holds for each answer shown)."""
    return record(db_path, mark, answer.get("question", ""),
                  answer.get("resolved_question", "") or answer.get("question", ""),
                  answer.get("citations") or [], citation, comment, manifest)


def marks(db_path: str | Path) -> list[dict]:
    """Every mark, oldest first, with ``citations`` decoded."""
    path = Path(db_path)
    if not path.exists():
        return []
    with closing(connect(path)) as con:
        rows = con.execute("SELECT * FROM marks ORDER BY id").fetchall()
    out = []
    for r in rows:
        d = dict(r)
        try:
            d["citations"] = json.loads(d["citations"])
        except ValueError:
            d["citations"] = []
        out.append(d)
    return out


def draft_items(db_path: str | Path) -> list[dict]:
    """Marks turned into draft eval items for a maintainer to review and place in dev.

    Each item holds the question (the standalone one answered, and the one asked), the cited
    sentences as evidence quotes (only the marked quote when one was marked), the mark and the
    comment. ``split`` is always "draft": never test, never scored until a person moves it.
    Marks on the same question and the same quotes are merged (their marks counted)."""
    items: dict[tuple, dict] = {}
    for m in marks(db_path):
        cites = m["citations"]
        if m["citation"] is not None:
            cites = [c for c in cites if c.get("n") == m["citation"]]
        evidence = [{"doc": c.get("doc_id", ""), "quote": c.get("quote", "")} for c in cites
                    if c.get("quote")]
        key = (m["resolved_question"], m["mark"], m["citation"],
               tuple((e["doc"], e["quote"]) for e in evidence))
        item = items.get(key)
        if item is None:
            item = items[key] = {
                "id": f"feedback-{m['id']}",
                "question": m["resolved_question"],
                "asked": m["question"],
                "mark": m["mark"],
                "citation": m["citation"],
                # a "good" or "missing" mark keeps the quotes as evidence to check; a wrong quote
                # or a should-refuse is evidence of what must NOT be cited
                "evidence": evidence if m["mark"] in ("good", "missing") else [],
                "not_evidence": evidence if m["mark"] in ("wrong_quote", "should_refuse") else [],
                "answerable": m["mark"] != "should_refuse",
                "comments": [],
                "count": 0,
                "manifest": m["manifest"],
                "first_marked": m["time"],
                "split": "draft",
                "review": "draft from reader feedback: check the quotes against the articles "
                          "before moving it to dev",
            }
        item["count"] += 1
        if m["comment"]:
            item["comments"].append(m["comment"])
    return list(items.values())


def write_drafts(db_path: str | Path, out_path: str | Path) -> int:
    """Write :func:`draft_items` as JSON lines to ``out_path``; returns how many."""
    items = draft_items(db_path)
    Path(out_path).write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items),
                              encoding="utf-8")
    return len(items)
