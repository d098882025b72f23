"""The app's event handlers: each takes component values and returns component updates.

Gradio-facing glue between ``app.py`` (layout and wiring) and ``qa.present`` (rendering) /
``qa.present.session`` (answering, articles, catalogue). No layout, CSS or JS here.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from index.text import is_russian
from qa import feedback
from qa.present import cite, compare, export, html, session, viewer
from qa.present.messages import t

HANDOUT_DIR = Path(tempfile.mkdtemp(prefix="masanchi-handout-"))


def ask(question: str, history: list | None = None) -> dict:
    """Answer a question from the five articles; returns the JSON Answer (see DESIGN.md).
    ``history``: earlier turns, oldest first (strings, or objects with at least "question")."""
    try:
        return session.answer(question, history or None).to_dict()
    except RuntimeError as exc:
        raise gr.Error(str(exc)) from exc


#: how many suggestion buttons the page holds (qa.suggest gives 2–4)
SUGGESTIONS = 4


def _lang(text: str) -> str:
    return "ru" if is_russian(text or "") else "en"


def _note(key: str, language: str = "en") -> dict:
    return {
        "role": "assistant",
        "content": t(language, f"{key}_body"),
        "metadata": {"title": t(language, key), "status": "pending"},
    }


def suggestion_buttons(questions: Sequence[str]) -> list[Any]:
    """Updates for the suggestion buttons: the first ones shown with a question, the rest hidden."""
    shown = list(questions)[:SUGGESTIONS]
    return [
        gr.Button(value=shown[i], visible=True) if i < len(shown) else gr.Button(visible=False)
        for i in range(SUGGESTIONS)
    ]


def first_visit(request: gr.Request | None = None) -> list[Any]:
    """Page load: suggestions in the browser's language (once the index is ready)."""
    accept = (request.headers.get("accept-language", "") if request else "").lower()
    return suggestion_buttons(session.suggestions(None, "ru" if accept.startswith("ru") else "en"))


def _alone(turns: list) -> Any:
    """The 'ask it on its own' button: shown when the last answer resolved a follow-up."""
    last = turns[-1] if turns else {}
    if not last.get("resolved_question"):
        return gr.Button(visible=False)
    lang = last["answer"].get("language", "en")
    return gr.Button(value=t(lang, "alone", question=last["question"]), visible=True)


def mark_choices(turns: list) -> Any:
    """The answers a reader can mark (answered or refused), the last one chosen."""
    choices = [
        (t("en", "mark_answer_n", n=i + 1, question=turn["question"][:80]), str(i))
        for i, turn in enumerate(turns)
    ]
    return gr.Dropdown(choices=choices, value=choices[-1][1] if choices else None)


def quote_choices(turns: list | None, target: str | None) -> Any:
    """The parts of one answer a reader can mark: the whole answer, or one quote."""
    turn = _turn(turns, target)
    cites = (turn or {}).get("answer", {}).get("citations", [])
    lang = (turn or {}).get("answer", {}).get("language", "en")
    choices = [(t(lang, "mark_whole"), "all")] + [
        (f"[{c['n']}] {c.get('outlet', '')}: {c['quote'][:70]}", str(c["n"])) for c in cites
    ]
    return gr.Dropdown(choices=choices, value="all")


def _turn(turns: list | None, target: str | None) -> dict | None:
    try:
        return list(turns or [])[int(target)]
    except (TypeError, ValueError, IndexError):
        return None


def respond(
    question: str, chat: list | None, turns: list | None, alone: bool = False
) -> Iterator[tuple]:
    """Chat: the question at once, a pending note, then the answer, its citation picker, the
    'ask it on its own' button, the answers to mark and the next suggestions. ``turns`` are
    the earlier turns ({question, resolved_question, answer}); ``alone`` ignores them."""
    chat, turns, question = list(chat or []), list(turns or []), (question or "").strip()
    skip = [gr.skip()] * (4 + SUGGESTIONS)
    if not question:
        yield chat, "", turns, *skip
        return
    lang = _lang(question)
    chat.append({"role": "user", "content": html.user_message(question)})
    pending = _note("searching" if session.WARMUP.ready else "preparing", lang)
    yield [*chat, pending], "", turns, *skip
    try:
        ans = session.answer(question, None if alone else list(turns))
    except Exception as exc:  # shown in the chat instead of a broken page
        error = {"role": "assistant", "content": html.error_message(str(exc), lang)}
        yield [*chat, error], "", turns, *skip
        return
    chat.append({"role": "assistant", "content": html.answer_html(ans, session.sources())})
    answer = ans.to_dict()
    turns.append(
        {"question": question, "resolved_question": ans.resolved_question, "answer": answer}
    )
    choices = html.citation_choices(ans.citations)
    yield (
        chat,
        "",
        turns,
        gr.Dropdown(choices=choices, value=None, interactive=bool(choices)),
        _alone(turns),
        mark_choices(turns),
        quote_choices(turns, str(len(turns) - 1)),
        *suggestion_buttons(session.suggestions(answer, ans.language)),
    )


def respond_alone(chat: list | None, turns: list | None) -> Iterator[tuple]:
    """'Ask it on its own': the last question again, without the conversation."""
    last = (turns or [{}])[-1].get("question", "")
    yield from respond(last, chat, turns, alone=True)


def mark(
    turns: list | None, target: str | None, quote: str | None, kind: str | None, comment: str
) -> tuple[str, Any]:
    """Store a reader's mark on an answer (or one quote); returns the confirmation (escaped)
    and the cleared comment box. Nothing about the visitor is stored (qa.feedback)."""
    turn = _turn(turns, target)
    if turn is None:
        return _status(t("en", "mark_no_answer")), gr.skip()
    answer = turn["answer"]
    lang = answer.get("language", "en")
    if kind not in feedback.MARKS:
        return _status(t(lang, "mark_no_kind")), gr.skip()
    n = int(quote) if (quote or "").isdigit() else None
    text = (comment or "")[: feedback.MAX_COMMENT]
    try:
        feedback.record_answer(
            session.feedback_db(), answer, kind, n, text, session.manifest_hash()
        )
    except (OSError, ValueError, sqlite3.Error) as exc:
        return _status(t(lang, "mark_failed", error=str(exc))), gr.skip()
    what = t(lang, "mark_quote_n", n=n) if n else t(lang, "mark_whole").lower()
    done = t(lang, "mark_thanks", mark=t(lang, f"mark_{kind}"), what=what,
             question=turn["question"])  # fmt: skip
    if text.strip():
        done += "\n" + t(lang, "mark_thanks_comment", comment=text)
    return _status(done), ""


def _status(text: str) -> str:
    return f'<p class="ms-mark-done" role="status">{html.escape_html(text)}</p>'.replace(
        "\n", "<br>"
    )


def mark_kinds(language: str = "en") -> list[tuple[str, str]]:
    """(label, value) of the four marks."""
    return [(t(language, f"mark_{k}"), k) for k in feedback.MARKS]


def article_choices() -> list[tuple[str, str]]:
    """(outlet and date, doc_id) for the article picker."""
    return [
        (cite.source_label(a.source.name, a.source.when), doc_id)
        for doc_id, a in session.articles().items()
    ]


def view(doc_id: str | None, spans: Sequence[tuple[int, int]] = ()) -> str:
    """The viewer HTML for one article (the first when none or unknown)."""
    arts = session.articles()
    return viewer.article_html(arts.get(doc_id or "") or next(iter(arts.values())), spans)


def open_ref(ref: str | None) -> tuple[Any, Any, Any]:
    """Open 'doc:start:end' (a citation link, a compare quote or the picker) in the panel."""
    try:
        doc_id, start, end = (ref or "").rsplit(":", 2)
        span = (int(start), int(end))
    except ValueError:
        return gr.skip(), gr.skip(), gr.skip()
    if doc_id not in session.articles():
        return gr.skip(), gr.skip(), gr.skip()
    return gr.Column(visible=True), doc_id, view(doc_id, [span])


def open_articles() -> tuple[Any, Any, Any]:
    """'Read the articles': the panel on the first article, nothing highlighted."""
    first = next(iter(session.articles()))
    return gr.Column(visible=True), first, view(first)


def open_from_url(request: gr.Request) -> tuple[Any, Any, Any]:
    """A citation link opened in a new tab: ?doc=…&start=…&end=…"""
    q = dict(request.query_params) if request else {}
    if "doc" not in q:
        return gr.skip(), gr.skip(), gr.skip()
    return open_ref(cite.ref(q["doc"], q.get("start", "0"), q.get("end", "0")))


def handout(chosen: list[str] | None) -> Any:
    """Write the handout for the chosen points; the download button serves it."""
    points, srcs = session.catalogue(), list(session.sources().values())
    if not points:
        return gr.DownloadButton(interactive=False)
    text = export.handout_html(points, srcs, chosen if chosen is not None else None)
    return gr.DownloadButton(value=str(export.write_handout(text, HANDOUT_DIR)), interactive=True)


def poll_status(request: gr.Request | None = None) -> tuple[Any, ...]:
    """Timer tick: the status line; once ready, the compare view, the handout and the
    first-visit suggestions, then stop."""
    session.WARMUP.start()
    wait = [gr.skip()] * (3 + SUGGESTIONS)
    if not session.WARMUP.finished:
        return session.WARMUP.status(), *wait[:3], gr.Timer(active=True), *wait[3:]
    points = session.catalogue()
    if not points:
        return session.WARMUP.status(), *wait[:3], gr.Timer(active=False), *wait[3:]
    ids = [p.point for p in points]
    return (
        session.WARMUP.status(),
        compare.compare_html(points, list(session.sources().values())),
        gr.CheckboxGroup(choices=compare.point_choices(points), value=ids),
        handout(ids),
        gr.Timer(active=False),
        *first_visit(request),
    )


def close_panel() -> Any:
    """Hide the source panel."""
    return gr.Column(visible=False)
