"""The server's limits and JSON route, on a bare FastAPI app with a fake answer function; the
answer worker processes (qa/present/workers.py) with a fake engine in each worker."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from qa.present.server import BodyLimit, RateLimit, TokenBuckets, api_routes, make_pool
from qa.present.workers import AnswerPool, PoolUnavailable
from qa.settings import Settings
from qa.types import Answer

#: the worker factories below, as a worker process imports them
FAKE_ENGINE = f"{__name__}:FakeEngine"
BROKEN_ENGINE = f"{__name__}:BrokenEngine"
#: a fake worker not ready after this long counts as not starting (the pool's own bound)
START_TIMEOUT_S = 120.0


def _answer(question: str, history: list | None) -> Answer:
    if question == "boom":
        raise RuntimeError("The index is still loading.")
    return Answer(question=question, refused=True, text=f"{len(history or [])} earlier turns",
                  status="refused", message="no passage")


class FakeEngine:
    """Stands in for qa.Engine inside a worker process: says which process answered; "crash"
    kills the process mid-answer, "boom" is the index-not-ready error."""

    def warm_up(self) -> None:
        return None

    def answer(self, question: str, history: list | None = None) -> Answer:
        if question == "crash":
            os._exit(9)
        if question == "boom":
            raise RuntimeError("The index is still loading.")
        return Answer(question=question, refused=True, text=f"worker {os.getpid()}",
                      status="refused", message=f"{len(history or [])} earlier turns")


class BrokenEngine(FakeEngine):
    """A worker whose engine cannot load."""

    def warm_up(self) -> None:
        raise RuntimeError("no index here")


def _client(settings: Settings, clock=None, pool: AnswerPool | None = None) -> TestClient:
    app = FastAPI()
    api_routes(app, _answer, settings, pool)
    buckets = TokenBuckets(settings.rate_per_second, settings.rate_burst,
                           **({"clock": clock} if clock else {}))
    return TestClient(BodyLimit(RateLimit(app, buckets), settings.max_request_bytes))


@pytest.fixture
def client() -> TestClient:
    return _client(Settings(max_request_bytes=4096))


def test_ask_returns_the_answer_json_with_history(client: TestClient) -> None:
    r = client.post("/api/ask", json={"question": "How many?", "history": ["a", "b"]})
    assert r.status_code == 200
    assert r.json()["question"] == "How many?" and r.json()["text"] == "2 earlier turns"


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"question": 3}',
                                  b'{"question": "q", "history": "x"}'])
def test_malformed_requests_get_a_plain_400(client: TestClient, body: bytes) -> None:
    r = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400 and "error" in r.json()


def test_an_oversized_body_is_refused_unread_and_not_echoed(client: TestClient) -> None:
    big = '{"question": "' + "x" * 10_000_000 + '"}'
    r = client.post("/api/ask", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "too large" in r.json()["error"] and len(r.content) < 300


def test_an_oversized_chunked_body_is_refused(client: TestClient) -> None:
    def chunks():
        for _ in range(10):
            yield b"x" * 1024

    r = client.post("/api/ask", content=chunks())  # no Content-Length: counted as it arrives
    assert r.status_code == 413


def test_index_not_ready_is_503_with_the_message(client: TestClient) -> None:
    r = client.post("/api/ask", json={"question": "boom"})
    assert r.status_code == 503 and "loading" in r.json()["error"]


def test_one_address_over_its_burst_gets_429_and_recovers() -> None:
    now = [0.0]
    client = _client(Settings(rate_per_second=2.0, rate_burst=3.0), clock=lambda: now[0])
    codes = [client.post("/api/ask", json={"question": "q"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    limited = client.post("/api/ask", json={"question": "q"})
    assert limited.headers["retry-after"] == "1"
    now[0] += 1.0  # two tokens back
    assert client.post("/api/ask", json={"question": "q"}).status_code == 200
    assert client.get("/docs").status_code != 429  # GETs are never limited


def test_buckets_are_per_address_and_bounded() -> None:
    buckets = TokenBuckets(rate=1.0, burst=1.0, max_keys=2, clock=lambda: 0.0)
    assert buckets.take("a") == 0 and buckets.take("a") > 0
    assert buckets.take("b") == 0 and buckets.take("c") == 0
    assert buckets.take("a") == 0  # "a" was forgotten (bounded), so it starts full again


# --------------------------------------------------------------------------- worker processes

#: what the module's pool logged
POOL_LOG: list[str] = []


@pytest.fixture(scope="module")
def pool() -> Iterator[AnswerPool]:
    """Two worker processes with the fake engine."""
    p = AnswerPool(2, engine=FAKE_ENGINE, log=POOL_LOG.append, start_timeout=START_TIMEOUT_S,
                   max_start_failures=1)
    p.start()
    try:
        assert p.wait_ready(), POOL_LOG  # ready, not given up
        yield p
    finally:
        p.close()


@pytest.mark.slow  # starts worker processes
def test_answers_come_back_from_the_worker_processes(pool: AnswerPool) -> None:
    client = _client(Settings(), pool=pool)
    for k in range(6):
        r = client.post("/api/ask", json={"question": f"How many? {k}", "history": ["a", "b"]})
        assert r.status_code == 200
        body = r.json()
        assert body["text"].startswith("worker ")  # the fake engine, not the thread path
        pid = int(body["text"].split()[1])
        assert pid != os.getpid() and pid in pool.pids()
        assert body == Answer(question=f"How many? {k}", refused=True, text=body["text"],
                              status="refused", message="2 earlier turns").to_dict()
    assert client.get("/api/status").json() == {
        "answer_processes": 2, "workers_ready": 2, "workers_failed": 0,
        "restarts": pool.restarts, "starting": 0, "answering": "processes"}


@pytest.mark.slow  # starts worker processes
def test_a_worker_error_is_passed_on_as_503(pool: AnswerPool) -> None:
    r = _client(Settings(), pool=pool).post("/api/ask", json={"question": "boom"})
    assert r.status_code == 503 and "loading" in r.json()["error"]


@pytest.mark.slow  # starts worker processes
def test_a_crashed_worker_gives_503_and_the_next_question_is_answered(pool: AnswerPool) -> None:
    client = _client(Settings(), pool=pool)
    before, restarts = pool.pids(), pool.restarts
    crashed = client.post("/api/ask", json={"question": "crash"})
    assert crashed.status_code == 503 and crashed.headers["retry-after"] == "1"
    assert "stopped" in crashed.json()["error"] and "ask again" in crashed.json()["error"]
    assert pool.ready == 1  # out of the pool before its question was answered 503
    after = client.post("/api/ask", json={"question": "And then?"})
    assert after.status_code == 200 and after.json()["text"].startswith("worker ")
    # the survivor dies too (its replacement is still starting): the server answers itself
    assert client.post("/api/ask", json={"question": "crash"}).status_code == 503
    assert pool.ready == 0
    with pytest.raises(PoolUnavailable):
        pool.submit("q")
    in_process = client.post("/api/ask", json={"question": "q"})
    assert in_process.status_code == 200 and in_process.json()["text"] == "0 earlier turns"
    assert client.get("/api/status").json()["answering"] == "threads"
    # both are replaced, and answer again
    assert pool.wait_ready(), POOL_LOG
    assert len(pool.pids()) == 2 and not set(pool.pids()) & set(before)
    assert pool.restarts == restarts + 2
    assert sum("exited with code 9 while answering" in m for m in POOL_LOG) >= 2, POOL_LOG
    again = client.post("/api/ask", json={"question": "q"}).json()["text"]
    assert again in {f"worker {pid}" for pid in pool.pids()}


def test_a_pool_not_started_yet_leaves_the_thread_path_answering() -> None:
    pool = AnswerPool(2, engine=FAKE_ENGINE)
    with pytest.raises(PoolUnavailable):
        pool.submit("q")
    r = _client(Settings(), pool=pool).post("/api/ask", json={"question": "q"})
    assert r.status_code == 200 and r.json()["text"] == "0 earlier turns"


@pytest.mark.slow  # starts worker processes
def test_workers_that_cannot_start_leave_the_thread_path_answering() -> None:
    messages: list[str] = []
    pool = AnswerPool(1, engine=BROKEN_ENGINE, log=messages.append, max_start_failures=1,
                      start_timeout=START_TIMEOUT_S)
    try:
        pool.start()
        assert not pool.wait_ready()  # returns once the slot gave up
        assert pool.status()["workers_failed"] == 1
        assert any("no answer worker could start" in m and "threads" in m for m in messages)
        r = _client(Settings(), pool=pool).post("/api/ask", json={"question": "q"})
        assert r.status_code == 200 and r.json()["text"] == "0 earlier turns"
    finally:
        pool.close()


@pytest.mark.parametrize("processes", [0, 1])
def test_zero_or_one_process_keeps_the_thread_path(processes: int) -> None:
    settings = Settings(answer_processes=processes)
    assert make_pool(settings) is None
    client = _client(settings, pool=make_pool(settings))
    r = client.post("/api/ask", json={"question": "q", "history": ["a"]})
    assert r.status_code == 200 and r.json()["text"] == "1 earlier turns"
    assert client.get("/api/status").json() == {"answer_processes": 0, "answering": "threads"}


def test_two_processes_make_a_pool_of_the_real_engine() -> None:
    pool = make_pool(Settings(answer_processes=2))
    assert isinstance(pool, AnswerPool) and pool.processes == 2 and pool.ready == 0
    assert pool.engine == "qa.present.workers:real_engine"


@pytest.mark.slow  # starts worker processes
def test_the_app_starts_its_workers_after_a_warm_answer_and_stops_them_with_it() -> None:
    import gradio as gr

    from qa.present.server import WARM_QUESTION, build

    asked: list[str] = []

    def answer(question: str, history: list | None) -> Answer:
        asked.append(question)
        return _answer(question, history)

    with gr.Blocks() as demo:
        gr.Markdown("a page")
    app = build(demo, answer, Settings(answer_processes=2), worker_engine=FAKE_ENGINE)
    with TestClient(app) as client:
        while (status := client.get("/api/status").json())["starting"]:
            time.sleep(0.1)  # each worker either gets ready or gives up
        assert status["workers_ready"] == 2, status
        assert asked[0] == WARM_QUESTION  # the server's own engine answered first
        r = client.post("/api/ask", json={"question": "q"})
        assert r.status_code == 200 and r.json()["text"].startswith("worker ")
        pid = int(r.json()["text"].split()[1])
        assert client.post("/api/ask", content=b"x" * 300_000).status_code == 413
    with pytest.raises(ProcessLookupError):  # stopped (and reaped) with the app
        os.kill(pid, 0)
