"""Masanchi Sources in the browser: ask, read the sources, compare them.

Thin on purpose: answering lives in ``qa``, HTML in ``qa.render``. This module wires Gradio
components to them, warms the index up in a background thread (with a visible status line),
and exposes ``/ask`` for ``gradio_client``.

Run ``python app.py [--host 127.0.0.1] [--port 7860]`` (or set MASANCHI_HOST / MASANCHI_PORT).
"""

from __future__ import annotations

import argparse
import functools
import os
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

import qa
from index.types import Article, Source
from qa import render
from qa.types import CANNOT_ANSWER, Answer, ContestedPoint

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
#: how long a question waits for the index before giving up (seconds)
READY_TIMEOUT_S = 600.0

EXAMPLES = [
    "How many people were killed?",
    "How many people were injured?",
    "What started the violence?",
    "How many people fled to Kyrgyzstan?",
    "Was the conflict ethnic?",
    "Who won the 2020 Champions League?",
]

TITLE = "Masanchi Sources"
INTRO = (
    "Ask about the clashes in **Masanchi and the Korday district of Kazakhstan on 7–8 February "
    "2020**. Every answer is built from word-for-word quotes of five news articles, with the "
    "outlet named. When the articles disagree you will see each figure side by side; when they "
    "say nothing, you will be told so."
)

CSS = """
.ms-answer p { margin: 0 0 .5em; }
.ms-question { white-space: normal; }
.ms-refusal { border-left: 4px solid #ea580c; background: rgba(234, 88, 12, .10);
  padding: .55em .8em; border-radius: 6px; }
.ms-badge { font-weight: 700; font-size: .85em; margin-bottom: .3em; }
.ms-badge-refusal { color: #c2410c; }
.ms-disagree { border: 1px solid rgba(147, 51, 234, .45); background: rgba(147, 51, 234, .07);
  border-radius: 6px; padding: .5em .7em; margin: .6em 0; }
.ms-badge-disagree { color: #7e22ce; }
table.ms-table tbody th { white-space: nowrap; vertical-align: top; }
table.ms-accounts .ms-value { font-weight: normal; }
table.ms-table { border-collapse: collapse; font-size: .92em; margin: .2em 0; width: auto; }
table.ms-table th, table.ms-table td { border: 1px solid rgba(128, 128, 128, .35);
  padding: .25em .7em; text-align: left; }
.ms-quotes-title { font-weight: 700; font-size: .85em; margin-top: .6em; opacity: .8; }
ol.ms-quotes { list-style: none; padding-left: 0; margin: .3em 0 0; font-size: .93em; }
li.ms-quote { margin: .4em 0; }
.ms-q { font-style: italic; }
.ms-src { opacity: .8; }
a.ms-cite { font-weight: 700; text-decoration: none; cursor: pointer; }
a.ms-open { font-size: .85em; margin-left: .3em; cursor: pointer; }
#ms-status { font-size: .95em; }
.ms-viewer-note { font-size: .85em; opacity: .75; margin: .3em 0 .6em; }
.ms-article { white-space: pre-wrap; font-family: Georgia, 'Times New Roman', serif;
  line-height: 1.6; max-height: 68vh; overflow-y: auto; padding: 1em 1.2em;
  border: 1px solid rgba(128, 128, 128, .3); border-radius: 8px; }
mark.ms-hl { background: #fde047; color: #111; padding: 0 .1em; border-radius: 2px; }
dl.ms-meta { display: flex; flex-wrap: wrap; gap: .3em 1.8em; margin: 0; }
dl.ms-meta dt { font-size: .72em; text-transform: uppercase; letter-spacing: .04em; opacity: .7; }
dl.ms-meta dd { margin: 0; font-weight: 600; }
a.ms-cite { color: var(--link-text-color, #4f46e5); }
.ms-compare-wrap { overflow-x: auto; }
table.ms-compare { border-collapse: collapse; width: 100%; font-size: .9em; table-layout: fixed; }
table.ms-compare th, table.ms-compare td { border: 1px solid rgba(128, 128, 128, .3);
  padding: .45em .6em; vertical-align: top; text-align: left; }
table.ms-compare thead th { background: rgba(128, 128, 128, .08); }
table.ms-compare tbody th { width: 11em; font-weight: normal; }
.ms-contested { font-size: .8em; color: #7e22ce; margin-top: .2em; }
.ms-claim + .ms-claim { margin-top: .6em; }
a.ms-cell-quote { color: inherit; text-decoration: none; display: block; margin-top: .15em;
  text-align: left;
  font-size: .92em; opacity: .85; }
a.ms-cell-quote:hover { text-decoration: underline; opacity: 1; }
.ms-silent { opacity: .5; }
"""

#: Clicking a citation link in the chat opens it in the source viewer, in this page.
HEAD = """
<script>
/* Citation links carry ?doc=…&start=…&end=… (the chat strips data-* attributes). */
document.addEventListener("click", function (ev) {
  const link = ev.target.closest ? ev.target.closest("a.ms-cite, a.ms-open") : null;
  if (!link || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
  const box = document.querySelector("#ms-cite-bridge textarea, #ms-cite-bridge input");
  const go = document.querySelector("#ms-cite-go");
  const q = new URL(link.href, window.location.href).searchParams;
  if (!box || !go || !q.get("doc")) return;
  ev.preventDefault();
  ev.stopPropagation();
  box.value = q.get("doc") + ":" + q.get("start") + ":" + q.get("end");
  box.dispatchEvent(new Event("input", { bubbles: true }));
  setTimeout(function () { go.click(); }, 60);
}, true);
</script>
"""

#: Scroll the source viewer to its first highlight once the new HTML is on the page.
SCROLL_JS = """
() => {
  setTimeout(() => {
    const m = document.querySelector("#ms-viewer mark");
    if (m) m.scrollIntoView({ block: "center", behavior: "smooth" });
  }, 250);
}
"""


# --------------------------------------------------------------------------- data


@functools.cache
def articles() -> dict[str, Article]:
    """The five articles by doc_id (read once; cheap, needs no models)."""
    from index.corpus import load_articles

    return {a.doc_id: a for a in load_articles()}


def sources() -> dict[str, Source]:
    """Article metadata by doc_id."""
    return {doc_id: a.source for doc_id, a in articles().items()}


class Backend:
    """Warms ``qa`` up once in a background thread and remembers how it went."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self.started_at = 0.0
        self.ready_at = 0.0
        self.message = "Waiting to start."
        self.error = ""
        self.points: list[ContestedPoint] = []
        self.columns: list[render.Column] = []
        self.csv_path = ""
        self.md_path = ""

    def start(self) -> None:
        """Start warming up (idempotent)."""
        with self._lock:
            if self._thread is not None:
                return
            self.started_at = time.monotonic()
            self.message = "Starting…"
            self._thread = threading.Thread(target=self._run, name="qa-warm-up", daemon=True)
            self._thread.start()

    def _progress(self, message: str) -> None:
        self.message = message

    def _run(self) -> None:
        try:
            qa.warm_up(progress=self._progress)
            self._progress("Comparing the sources…")
            self._load_catalogue()
            self.message = "Ready."
        except Exception as exc:  # shown in the UI; the viewer still works
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.ready_at = time.monotonic()
            self._ready.set()

    def _load_catalogue(self) -> None:
        self.points = list(qa.catalogue())
        srcs = list(sources().values())
        self.columns = render.columns(self.points, srcs)
        out = Path(tempfile.mkdtemp(prefix="masanchi-"))
        csv_path = out / "masanchi-sources-compared.csv"
        csv_path.write_text(render.catalogue_csv(self.points), encoding="utf-8")
        md_path = out / "masanchi-sources-compared.md"
        md_path.write_text(
            render.catalogue_markdown(self.points, self.columns, srcs), encoding="utf-8"
        )
        self.csv_path, self.md_path = str(csv_path), str(md_path)

    @property
    def ready(self) -> bool:
        """True once warm-up has finished (successfully or not)."""
        return self._ready.is_set()

    def wait(self, timeout: float = READY_TIMEOUT_S) -> bool:
        """Start if needed and block until warm-up has finished; False on timeout."""
        self.start()
        return self._ready.wait(timeout)

    def status(self) -> str:
        """One status line (markdown) for the top of the page."""
        if not self._ready.is_set():
            waited = time.monotonic() - self.started_at if self.started_at else 0.0
            return (
                f"◌ **Preparing the search index** ({waited:.0f} s; the first start can take "
                f"about 20 s): {self.message} You can already read the articles in "
                f"*Read a source*; questions will be answered as soon as it is ready."
            )
        if self.error:
            return (
                f"✗ **The search index could not be prepared**: `{self.error}`. "
                "Questions cannot be answered; the articles can still be read."
            )
        return "✓ **Ready.** Ask a question below, or try one of the examples."


BACKEND = Backend()
_ANSWER_LOCK = threading.Lock()


def get_answer(question: str) -> Answer:
    """Wait for the index, then answer (one question at a time)."""
    if not BACKEND.wait():
        raise TimeoutError("the search index is still being prepared; try again shortly")
    if BACKEND.error:
        raise RuntimeError(f"the search index could not be prepared ({BACKEND.error})")
    with _ANSWER_LOCK:
        return qa.answer(question)


def ask(question: str) -> dict:
    """Answer a question from the five articles; returns the JSON Answer (see DESIGN.md)."""
    try:
        return get_answer(question).to_dict()
    except (TimeoutError, RuntimeError) as exc:
        raise gr.Error(str(exc)) from exc


# --------------------------------------------------------------------------- chat


def _pending(title: str, body: str) -> dict:
    return {"role": "assistant", "content": body, "metadata": {"title": title, "status": "pending"}}


def _error_message(exc: Exception) -> dict:
    body = (
        '<div class="ms-answer ms-refusal"><div class="ms-badge ms-badge-refusal">'
        f"⚠ Something went wrong</div><p>{render.escape_text(str(exc))}</p></div>"
    )
    return {"role": "assistant", "content": body}


def respond(question: str, history: list[dict] | None) -> Iterator[tuple[Any, ...]]:
    """Chat handler: show the question at once, a pending note, then the rendered answer."""
    history = list(history or [])
    question = (question or "").strip()
    if not question:
        yield history, "", gr.skip(), gr.skip()
        return
    history.append({"role": "user", "content": render.user_message(question)})
    if BACKEND.ready:
        note = _pending("Searching the five articles…", "Looking for quotes that answer this.")
    else:
        note = _pending(
            "Preparing the search index (first start)…",
            "Your question will be answered as soon as the index is ready.",
        )
    yield [*history, note], "", gr.skip(), gr.skip()
    try:
        ans = get_answer(question)
    except Exception as exc:  # shown to the user instead of a broken chat
        yield [*history, _error_message(exc)], "", gr.skip(), gr.skip()
        return
    history.append({"role": "assistant", "content": render.answer_html(ans, sources())})
    yield history, "", *citation_dropdowns(ans)


def citation_dropdowns(ans: Answer) -> tuple[Any, Any]:
    """The chat-tab and viewer-tab pickers of the last answer's citations."""
    choices = render.citation_choices(ans)
    chat_label = "Open a quoted passage in its article" if choices else "No quotes to open"
    viewer_label = "Quotes from the last answer" if choices else "No quotes in the last answer"
    return (
        gr.Dropdown(choices=choices, value=None, label=chat_label, interactive=bool(choices)),
        gr.Dropdown(choices=choices, value=None, label=viewer_label, interactive=bool(choices)),
    )


# --------------------------------------------------------------------------- source viewer


def article_choices() -> list[tuple[str, str]]:
    """(label, doc_id) for the article picker: outlet and date."""
    return [
        (render.source_label(a.source.name, a.source.when), doc_id)
        for doc_id, a in articles().items()
    ]


def view(doc_id: str | None, spans: Sequence[tuple[int, int]] = ()) -> str:
    """The viewer HTML for one article (first article when none is given)."""
    arts = articles()
    art = arts.get(doc_id or "") or next(iter(arts.values()))
    return render.article_html(art, spans)


def parse_ref(ref: str | None) -> tuple[str, list[tuple[int, int]]] | None:
    """'doc:start:end' → (doc, [(start, end)]); None when malformed or unknown."""
    try:
        doc_id, start, end = (ref or "").rsplit(":", 2)
        span = (int(start), int(end))
    except ValueError:
        return None
    return (doc_id, [span]) if doc_id in articles() else None


def open_source(doc_id: str, spans: Sequence[tuple[int, int]]) -> tuple[Any, str, str]:
    """Switch to the viewer tab on an article with spans highlighted."""
    return gr.Tabs(selected="source"), doc_id, view(doc_id, spans)


def open_ref(ref: str | None) -> tuple[Any, Any, Any]:
    """Open a 'doc:start:end' reference (citation link or dropdown pick) in the viewer."""
    parsed = parse_ref(ref)
    if parsed is None:
        return gr.skip(), gr.skip(), gr.skip()
    return open_source(*parsed)


def pick_article(doc_id: str) -> str:
    """The article picker changed: show it without highlights."""
    return view(doc_id)


def open_from_url(request: gr.Request) -> tuple[Any, Any, Any]:
    """Page load with ?doc=…&start=…&end=… (a citation link opened in a new tab)."""
    params = dict(request.query_params) if request else {}
    if "doc" not in params:
        return gr.skip(), gr.skip(), gr.skip()
    return open_ref(f"{params.get('doc')}:{params.get('start', 0)}:{params.get('end', 0)}")


# --------------------------------------------------------------------------- compare


def compare_html() -> str:
    """The comparison table: one row per contested point, one column per outlet."""
    return render.catalogue_table_html(BACKEND.points, BACKEND.columns)


def poll_status() -> tuple[Any, ...]:
    """Timer/load tick: the status line; once ready, the compare tab and stop ticking."""
    status = BACKEND.status()
    if not BACKEND.ready:
        BACKEND.start()
        return status, gr.skip(), gr.skip(), gr.skip(), gr.Timer(active=True)
    if BACKEND.error or not BACKEND.points:
        return status, gr.skip(), gr.skip(), gr.skip(), gr.Timer(active=False)
    return (
        status,
        compare_html(),
        gr.DownloadButton(value=BACKEND.csv_path, interactive=True),
        gr.DownloadButton(value=BACKEND.md_path, interactive=True),
        gr.Timer(active=False),
    )


# --------------------------------------------------------------------------- about


def about_markdown() -> str:
    """What the corpus is and what the tool will and will not do."""
    rows = "\n".join(
        f"| {render.escape_text(s.name)} | {render.escape_text(s.outlet)} | "
        f"{render.escape_text(s.when or 'not stated')} |"
        for s in sources().values()
    )
    return f"""
## What this is

A question-answering tool over **five English-language news articles** about the violence in
Masanchi and neighbouring villages of the Korday (Kordai) district, Zhambyl region, Kazakhstan,
on 7–8 February 2020, between ethnic Kazakhs and Dungans.

| Short name | Outlet | Date |
|---|---|---|
{rows}

## What it does

- Answers **only from these five articles**. Nothing else is searched, and no outside knowledge
  is added.
- Every answer is made of **verbatim quotes**: the exact words of the article, with the outlet
  and date, and the character offsets in the stored article file. Click a citation number or
  *open in source* to read the quote highlighted in the full article.
- When the articles **disagree** (how many died, how many were injured, who started it, whether
  it was ethnic), it shows every source's figure side by side instead of picking one.
- When the articles do not say, it **refuses**: “{CANNOT_ANSWER}”

## What it does not do

- **No language model writes text.** Passages are found by search (keyword and sentence
  similarity) and quoted as they are; the short lead sentence is a fixed template naming the
  sources.
- It does not decide which source is right, and it does not know anything that happened after
  the articles were written.
- It will not name or speculate about individual victims beyond what the articles quote.

*For educators:* the **Compare the sources** tab lists every contested point with each outlet's
figure and exact quote, and exports it as CSV or Markdown for a lesson.
"""


# --------------------------------------------------------------------------- layout


def _chat_tab() -> dict[str, Any]:
    chatbot = gr.Chatbot(
        label="Answers with their sources",
        height=560,
        latex_delimiters=[],
        feedback_options=None,
        placeholder="Ask a question below, or click one of the examples.",
        elem_id="ms-chat",
    )
    with gr.Row(equal_height=True):
        question = gr.Textbox(
            placeholder="Ask about the February 2020 clashes, e.g. How many people were killed?",
            show_label=False,
            scale=5,
            elem_id="ms-question",
            max_length=1000,
        )
        send = gr.Button("Ask", variant="primary", scale=1, elem_id="ms-ask")
    gr.Markdown("**Try:**")
    with gr.Row():
        examples = [gr.Button(q, size="sm", elem_classes=["ms-example"]) for q in EXAMPLES]
    cite_dd = gr.Dropdown(
        choices=[],
        value=None,
        label="Open a quoted passage in its article",
        interactive=False,
        elem_id="ms-cite-pick",
    )
    return {
        "chatbot": chatbot,
        "question": question,
        "send": send,
        "examples": examples,
        "cite_dd": cite_dd,
    }


def _source_tab() -> dict[str, Any]:
    choices = article_choices()
    with gr.Row():
        article_dd = gr.Dropdown(
            choices=choices, value=choices[0][1], label="Article", elem_id="ms-article-pick"
        )
        cite_dd = gr.Dropdown(
            choices=[], value=None, label="Quotes from the last answer", interactive=False
        )
    viewer = gr.HTML(view(choices[0][1]), elem_id="ms-viewer")
    return {"article_dd": article_dd, "cite_dd": cite_dd, "viewer": viewer}


def _compare_tab() -> dict[str, Any]:
    gr.Markdown(
        "Where the five articles disagree. One row per point, one column per outlet; each cell "
        "gives the figure and the exact sentence it comes from. **Click a quote** to read it "
        "highlighted in its article. A dash means the article does not say."
    )
    table = gr.HTML(
        '<p class="ms-viewer-note">The comparison appears when the search index is ready.</p>',
        elem_id="ms-compare",
    )
    with gr.Row():
        dl_csv = gr.DownloadButton("Download CSV", interactive=False, elem_id="ms-dl-csv")
        dl_md = gr.DownloadButton("Download Markdown", interactive=False, elem_id="ms-dl-md")
    return {"table": table, "dl_csv": dl_csv, "dl_md": dl_md}


def _wire(ui: dict[str, Any], tabs: gr.Tabs, status: gr.Markdown, timer: gr.Timer) -> None:
    chat_out = [ui["chatbot"], ui["question"], ui["cite_dd"], ui["viewer_cite_dd"]]
    opts = {"concurrency_id": "qa", "api_visibility": "private"}
    ui["question"].submit(respond, [ui["question"], ui["chatbot"]], chat_out, **opts)
    ui["send"].click(respond, [ui["question"], ui["chatbot"]], chat_out, **opts)
    for button in ui["examples"]:
        button.click(respond, [button, ui["chatbot"]], chat_out, **opts)

    viewer_out = [tabs, ui["article_dd"], ui["viewer"]]
    private = {"api_visibility": "private"}
    ui["cite_go"].click(open_ref, ui["cite_bridge"], viewer_out, **private).then(
        None, js=SCROLL_JS, **private
    )
    ui["cite_dd"].input(open_ref, ui["cite_dd"], viewer_out, **private).then(
        None, js=SCROLL_JS, **private
    )
    ui["viewer_cite_dd"].input(open_ref, ui["viewer_cite_dd"], viewer_out, **private).then(
        None, js=SCROLL_JS, **private
    )
    ui["article_dd"].input(pick_article, ui["article_dd"], ui["viewer"], **private)

    status_out = [status, ui["table"], ui["dl_csv"], ui["dl_md"], timer]
    timer.tick(poll_status, None, status_out, **private)
    demo.load(poll_status, None, status_out, **private)
    demo.load(open_from_url, None, viewer_out, **private).then(None, js=SCROLL_JS, **private)
    gr.api(ask, api_name="ask", concurrency_id="qa")


with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
    gr.Markdown(f"# {TITLE}\n{INTRO}")
    status_line = gr.Markdown("◌ Checking the search index…", elem_id="ms-status")
    status_timer = gr.Timer(1.0)
    with gr.Tabs(selected="chat") as main_tabs:
        with gr.Tab("Ask", id="chat"):
            _ui = _chat_tab()
        with gr.Tab("Read a source", id="source"):
            _src = _source_tab()
        with gr.Tab("Compare the sources", id="compare"):
            _cmp = _compare_tab()
        with gr.Tab("About", id="about"):
            gr.Markdown(about_markdown())
    cite_bridge = gr.Textbox(visible="hidden", elem_id="ms-cite-bridge")
    cite_go = gr.Button("open citation", visible="hidden", elem_id="ms-cite-go")
    _ui.update(_cmp)
    _ui.update(
        article_dd=_src["article_dd"],
        viewer=_src["viewer"],
        viewer_cite_dd=_src["cite_dd"],
        cite_bridge=cite_bridge,
        cite_go=cite_go,
    )
    _wire(_ui, main_tabs, status_line, status_timer)


def launch(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, **kwargs: Any) -> Any:
    """Start warming up, then serve the app (extra kwargs go to ``demo.launch``)."""
    BACKEND.start()
    demo.queue(default_concurrency_limit=4)
    return demo.launch(
        server_name=host,
        server_port=port,
        css=CSS,
        head=HEAD,
        theme=gr.themes.Soft(),
        ssr_mode=False,
        footer_links=["api"],
        **kwargs,
    )


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
