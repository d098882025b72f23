"""Masanchi Sources in the browser: ask, read the sources beside the answer, compare them.

Wiring only: answering lives in ``qa``; strings, HTML, CSS, JS and handlers in ``qa.present``.
Run ``python app.py [--host 127.0.0.1] [--port 7860]`` (or MASANCHI_HOST / MASANCHI_PORT).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from qa.present import handlers as h
from qa.present import server, session
from qa.present.messages import EN, t, ui_translations

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 7860
#: answers in flight at once through Gradio's queue: the engine is read-only once loaded
CONCURRENCY = session.settings().answer_workers
STATIC = Path(h.__file__).parent / "static"
I18N = gr.I18n(**ui_translations())
#: Soft, with labels and the primary button (also hovered, dark) dark enough for WCAG AA
THEME = gr.themes.Soft().set(
    block_label_text_color="*primary_700",
    block_title_text_color="*primary_700",
    button_primary_background_fill="*primary_700",
    button_primary_background_fill_hover="*primary_800",
    button_primary_background_fill_dark="*primary_700",
    button_primary_background_fill_hover_dark="*primary_800",
    checkbox_label_background_fill_selected="*primary_700",
    checkbox_label_background_fill_selected_dark="*primary_700",
)
PRIVATE = {"api_visibility": "private"}
QA = {"concurrency_id": "qa", **PRIVATE}


def _ask_tab(turns: gr.State) -> tuple[gr.Dropdown, list[gr.Button]]:
    """Chat, question box, suggestions, 'ask it on its own', marks; returns (citation picker,
    suggestion buttons)."""
    chatbot = gr.Chatbot(
        label=I18N("chat_label"), height="60vh", latex_delimiters=[], feedback_options=None,
        placeholder=I18N("chat_placeholder"), elem_id="ms-chat", buttons=[],
    )  # fmt: skip
    with gr.Row(equal_height=True):
        box = gr.Textbox(
            label=I18N("question_label"), placeholder=I18N("question_placeholder"), scale=5,
            elem_id="ms-question", max_length=1000,
        )  # fmt: skip
        send = gr.Button(I18N("ask"), variant="primary", scale=1, elem_id="ms-ask")
    alone = gr.Button(visible=False, size="sm", elem_id="ms-alone")
    gr.Markdown(I18N("suggest_title"), elem_classes=["ms-no-print"])
    with gr.Row(elem_classes=["ms-examples", "ms-no-print"], elem_id="ms-suggest"):
        suggested = [gr.Button(visible=False, size="sm") for _ in range(h.SUGGESTIONS)]
    picks = gr.Dropdown(label=I18N("cite_pick"), interactive=False, elem_id="ms-cite-pick")
    with gr.Accordion(I18N("mark_title"), open=False, elem_id="ms-marks"):
        target = gr.Dropdown(label=I18N("mark_answer"), elem_id="ms-mark-answer")
        quote = gr.Dropdown(label=I18N("mark_quote"), elem_id="ms-mark-quote")
        kind = gr.Radio(h.mark_kinds(), label=I18N("mark_kind"), elem_id="ms-mark-kind")
        comment = gr.Textbox(label=I18N("mark_comment"), max_length=h.feedback.MAX_COMMENT,
                             lines=2, elem_id="ms-mark-comment")  # fmt: skip
        mark_btn = gr.Button(I18N("mark_send"), size="sm", elem_id="ms-mark-send")
        done = gr.HTML("", elem_id="ms-mark-done")
    outputs = [chatbot, box, turns, picks, alone, target, quote, *suggested]
    for trigger, source in [(box.submit, box), (send.click, box)] + [
        (b.click, b) for b in suggested
    ]:
        trigger(h.respond, [source, chatbot, turns], outputs, **QA)
    alone.click(h.respond_alone, [chatbot, turns], outputs, **QA)
    target.input(h.quote_choices, [turns, target], quote, **PRIVATE)
    mark_btn.click(h.mark, [turns, target, quote, kind, comment], [done, comment], **PRIVATE)
    return picks, suggested


def _compare_tab() -> tuple[gr.HTML, gr.CheckboxGroup, gr.DownloadButton]:
    """Cards / table, present mode and the handout picker and download."""
    gr.Markdown(I18N("compare_intro"))
    gr.Button(I18N("present"), size="sm", elem_id="ms-present")  # app.js handles it
    view = gr.HTML(f"<p>{t('en', 'compare_wait')}</p>", elem_id="ms-compare")
    pick = gr.CheckboxGroup(label=I18N("handout_pick"), elem_id="ms-points")
    download = gr.DownloadButton(I18N("handout_download"), interactive=False, elem_id="ms-handout")
    return view, pick, download


def _panel() -> tuple[gr.Button, gr.Dropdown, gr.HTML]:
    """The source panel's contents: close, article picker, furniture toggle, viewer."""
    with gr.Row():
        gr.Markdown(f"## {t('en', 'panel_title')}")
        close = gr.Button(I18N("close_panel"), size="sm", scale=0, elem_id="ms-close")
    choices = h.article_choices()
    pick = gr.Dropdown(
        choices=choices, value=choices[0][1], label=I18N("article_pick"), elem_id="ms-article-pick"
    )
    gr.Checkbox(label=I18N("show_furniture"), value=False, elem_id="ms-furniture")  # CSS :has
    return close, pick, gr.HTML("", elem_id="ms-viewer")


with gr.Blocks(title=EN["title"], analytics_enabled=False) as demo:
    gr.Markdown(f"# {EN['title']}", elem_id="ms-header")
    gr.Markdown(I18N("intro"))
    status = gr.Markdown(session.WARMUP.status(), elem_id="ms-status")
    timer, turns_state = gr.Timer(1.0), gr.State([])
    read_btn = gr.Button(I18N("read_articles"), size="sm", elem_id="ms-read")
    with gr.Row(elem_id="ms-layout"):
        with gr.Column(scale=3, elem_id="ms-main"), gr.Tabs():
            with gr.Tab(I18N("tab_ask"), id="ask"):
                cite_pick, suggested = _ask_tab(turns_state)
            with gr.Tab(I18N("tab_compare"), id="compare"):
                compare_view, points_pick, download = _compare_tab()
            with gr.Tab(I18N("tab_about"), id="about"):
                gr.Markdown(I18N("about"))
        with gr.Column(scale=2, visible=False, elem_id="ms-panel") as panel:
            close_btn, article_pick, viewer_html = _panel()
    panel_out = [panel, article_pick, viewer_html]
    bridge = gr.Textbox(visible="hidden", elem_id="ms-cite-bridge")  # app.js writes refs here
    bridge_go = gr.Button("open", visible="hidden", elem_id="ms-cite-go")
    bridge_go.click(h.open_ref, bridge, panel_out, **PRIVATE)
    cite_pick.input(h.open_ref, cite_pick, panel_out, **PRIVATE)
    read_btn.click(h.open_articles, None, panel_out, **PRIVATE)
    close_btn.click(h.close_panel, None, panel, **PRIVATE)
    article_pick.input(h.view, article_pick, viewer_html, **PRIVATE)
    points_pick.input(h.handout, points_pick, download, **PRIVATE)
    status_out = [status, compare_view, points_pick, download, timer, *suggested]
    timer.tick(h.poll_status, None, status_out, **PRIVATE)
    demo.load(h.poll_status, None, status_out, **PRIVATE)
    demo.load(h.open_from_url, None, panel_out, **PRIVATE)
    gr.api(h.ask, api_name="ask", concurrency_id="qa", concurrency_limit=CONCURRENCY)


def launch(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Start warming up, then serve the app and ``POST /api/ask`` (qa.present.server)."""
    import uvicorn

    session.WARMUP.start()
    demo.queue(default_concurrency_limit=CONCURRENCY)
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    app = server.build(
        demo, session.answer, session.settings(),
        server_name=host,
        server_port=port,
        css_paths=[STATIC / "app.css"],
        head=f"<script>{script}</script>",
        theme=THEME,
        ssr_mode=False,
        footer_links=[],
        i18n=I18N,
    )
    print(f"* Running on http://{host}:{port}", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """--host / --port, defaulting to MASANCHI_HOST / MASANCHI_PORT, then 127.0.0.1:7860."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("MASANCHI_HOST", DEFAULT_HOST))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("MASANCHI_PORT", DEFAULT_PORT))
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = parse_args()
    launch(args.host, args.port)
