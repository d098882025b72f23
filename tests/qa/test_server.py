"""The server's limits and JSON route, on a bare FastAPI app with a fake answer function."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from qa.present.server import BodyLimit, RateLimit, TokenBuckets, api_routes
from qa.settings import Settings
from qa.types import Answer


def _answer(question: str, history: list | None) -> Answer:
    if question == "boom":
        raise RuntimeError("The index is still loading.")
    return Answer(question=question, refused=True, text=f"{len(history or [])} earlier turns",
                  status="refused", message="no passage")


def _client(settings: Settings, clock=None) -> TestClient:
    app = FastAPI()
    api_routes(app, _answer, settings)
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
