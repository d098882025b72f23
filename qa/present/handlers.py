"""The app's event handlers: each takes component values and returns component updates.

Gradio-facing glue between ``app.py`` (layout and wiring) and ``qa.present`` (rendering) /
``qa.present.session`` (answering, articles, catalogue). No layout, CSS or JS here.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from qa.present import cite, compare, export, html, session, viewer
from qa.present.messages import t

HANDOUT_DIR = Path(tempfile.mkdtemp(prefix="masanchi-handout-"))


def ask(question: str) -> dict:
    """Answer a question from the five articles; returns the JSON Answer (see DESIGN.md)."""
    try:
        return session.answer(question).to_dict()
    except RuntimeError as exc:
        raise gr.Error(str(exc)) from exc


def _note(key: str) -> dict:
    return {
        "role": "assistant",
        "content": t("en", f"{key}_body"),
        "metadata": {"title": t("en", key), "status": "pending"},
    }


def respond(question: str, history: list | None, asked: list | None) -> Iterator[tuple]:
    """Chat: the question at once, a pending note, then the answer and its citation picker."""
    history, asked, question = list(history or []), list(asked or []), (question or "").strip()
    if not question:
        yield history, "", asked, gr.skip()
        return
    history.append({"role": "user", "content": html.user_message(question)})
    yield (
        [*history, _note("searching" if session.WARMUP.ready else "preparing")],
        "",
        asked,
        gr.skip(),
    )
    try:
        ans = session.answer(question, asked)
    except Exception as exc:  # shown in the chat instead of a broken page
        yield (
            [*history, {"role": "assistant", "content": html.error_message(str(exc))}],
            "",
            asked,
            gr.skip(),
        )
        return
    history.append({"role": "assistant", "content": html.answer_html(ans, session.sources())})
    choices = html.citation_choices(ans.citations)
    yield (
        history,
        "",
        [*asked, question],
        gr.Dropdown(choices=choices, value=None, interactive=bool(choices)),
    )


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


def poll_status() -> tuple[Any, ...]:
    """Timer tick: the status line; once ready, the compare view and handout, then stop."""
    session.WARMUP.start()
    if not session.WARMUP.finished:
        return session.WARMUP.status(), gr.skip(), gr.skip(), gr.skip(), gr.Timer(active=True)
    points = session.catalogue()
    if not points:
        return session.WARMUP.status(), gr.skip(), gr.skip(), gr.skip(), gr.Timer(active=False)
    ids = [p.point for p in points]
    return (
        session.WARMUP.status(),
        compare.compare_html(points, list(session.sources().values())),
        gr.CheckboxGroup(choices=compare.point_choices(points), value=ids),
        handout(ids),
        gr.Timer(active=False),
    )


def close_panel() -> Any:
    """Hide the source panel."""
    return gr.Column(visible=False)
