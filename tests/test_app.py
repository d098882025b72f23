"""The browser app: fast checks of its helpers, and (slow) the served app through gradio_client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
STARTUP_TIMEOUT_S = 180.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int) -> subprocess.Popen:
    """`python app.py` on 127.0.0.1:port (port given through MASANCHI_PORT), output to a log."""
    env = {**os.environ, "MASANCHI_PORT": str(port), "HF_HUB_OFFLINE": "1"}
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"masanchi-app-{port}.log"
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "app.py", "--host", "127.0.0.1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float = STARTUP_TIMEOUT_S) -> None:
    """Poll until the server answers; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app.py exited with {proc.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"app.py did not serve {url} within {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    """Stop the app process started by this test module."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def assert_verbatim(answer: dict) -> None:
    """Every citation's quote is exactly the file's text at its offsets."""
    for c in answer["citations"]:
        text = (SEEDS / f"{c['doc_id']}.txt").read_text(encoding="utf-8")
        assert text[c["start"] : c["end"]] == c["quote"], c


# --------------------------------------------------------------------------- fast


def test_host_and_port_from_args_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import app

    monkeypatch.delenv("MASANCHI_HOST", raising=False)
    monkeypatch.delenv("MASANCHI_PORT", raising=False)
    args = app.parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 7860)
    monkeypatch.setenv("MASANCHI_HOST", "0.0.0.0")
    monkeypatch.setenv("MASANCHI_PORT", "8123")
    args = app.parse_args([])
    assert (args.host, args.port) == ("0.0.0.0", 8123)
    args = app.parse_args(["--host", "localhost", "--port", "9000"])
    assert (args.host, args.port) == ("localhost", 9000)


def test_app_is_thin_wiring() -> None:
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 200
    for sign in ("<style", "{ color", "function (", "threading", "Lock("):
        assert sign not in source, sign


def test_open_ref_only_accepts_known_articles() -> None:
    from qa.present import handlers, session

    doc = next(iter(session.articles()))
    _panel, picked, html = handlers.open_ref(f"{doc}:5:20")
    assert picked == doc and '<mark class="ms-hl">' in html
    skip = handlers.gr.skip()
    assert handlers.open_ref("nope:1:2") == (skip, skip, skip)
    assert handlers.open_ref(f"{doc}:a:b") == (skip, skip, skip)
    assert handlers.open_ref(None) == (skip, skip, skip)


def test_respond_escapes_the_question_and_shows_a_pending_note(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from qa.present import handlers, session
    from qa.types import Answer

    def fake(question: str, history: list | None = None) -> Answer:
        return Answer(question, True, "", status="refused", message="Never mentioned.")

    monkeypatch.setattr(session, "answer", fake)
    monkeypatch.setattr(session, "suggestions", lambda answer, language: [])
    steps = list(handlers.respond("<script>x</script> [a](http://e.x)", [], []))
    first, last = steps[0][0], steps[-1][0]
    assert first[0]["role"] == "user" and "<script>" not in first[0]["content"]
    assert "](" not in first[0]["content"]
    assert first[1]["metadata"]["status"] == "pending"
    assert len(last) == 2 and "ms-refusal" in last[1]["content"]
    turn = steps[-1][2][0]  # remembered for follow-ups
    assert turn["question"] == "<script>x</script> [a](http://e.x)"
    assert turn["resolved_question"] == "" and turn["answer"]["refused"]
    skip = handlers.gr.skip()
    empty = [([], "", [], *[skip] * (4 + handlers.SUGGESTIONS))]
    assert list(handlers.respond("   ", [], [])) == empty


def test_ask_api_takes_an_optional_history() -> None:
    import inspect

    from qa.present import handlers

    params = inspect.signature(handlers.ask).parameters
    assert list(params) == ["question", "history"] and params["history"].default is None


# --------------------------------------------------------------------------- served app


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, float]]:
    """The app served by `python app.py`; yields (url, launch time on the monotonic clock)."""
    port = free_port()
    started = time.monotonic()
    proc = start_app(port)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_http(url, proc)
        yield url, started
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def client(served: tuple[str, float]):  # -> gradio_client.Client
    from gradio_client import Client

    return Client(served[0], verbose=False)


@pytest.mark.slow
def test_first_answer_is_cited_verbatim_and_shows_disagreement(client, served) -> None:
    answer = client.predict("How many people were killed?", api_name="/ask")
    elapsed = time.monotonic() - served[1]
    print(f"\nlaunch → first answer: {elapsed:.1f} s")
    assert elapsed < STARTUP_TIMEOUT_S
    assert not answer["refused"] and answer["citations"]
    assert_verbatim(answer)
    assert [c["n"] for c in answer["citations"]] == list(range(1, len(answer["citations"]) + 1))
    assert answer["disagreements"], "the five articles give different death tolls"
    d = answer["disagreements"][0]
    assert len({c["doc_id"] for c in d["claims"]}) >= 2


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "How many people were injured?",
        "What started the violence?",
        "How many people fled to Kyrgyzstan?",
        "Сколько человек погибло?",
    ],
)
def test_answers_quote_the_files_exactly(client, question: str) -> None:
    answer = client.predict(question, api_name="/ask")
    assert answer["question"] == question
    assert_verbatim(answer)


@pytest.mark.slow
@pytest.mark.parametrize(
    "question", ["Who won the 2020 Champions League?", "<script>alert(1)</script>", ""]
)
def test_refusals_carry_no_citations(client, question: str) -> None:
    answer = client.predict(question, api_name="/ask")
    assert answer["refused"] and answer["status"] in ("refused", "invalid")
    assert answer["citations"] == [] and answer["text"]


@pytest.mark.slow
def test_ask_api_resolves_a_follow_up_from_history(client) -> None:
    first = client.predict("How many people were killed?", api_name="/ask")
    turn = {"question": first["question"], "resolved_question": "", "answer": first}
    answer = client.predict("And injured?", [turn], api_name="/ask")
    assert answer["question"] == "And injured?"
    assert "injured" in answer["resolved_question"].lower()
    assert answer["citations"] and not answer["refused"]
    assert_verbatim(answer)
    alone = client.predict("And injured?", api_name="/ask")  # the plain signature still works
    assert alone["resolved_question"] == "And injured?"


@pytest.mark.slow
def test_only_ask_is_public(client) -> None:
    api = client.view_api(print_info=False, return_format="dict")
    assert list(api["named_endpoints"]) == ["/ask"]
