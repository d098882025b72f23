"""The HTTP server around the Gradio app: bounded request bodies, a per-address limit on
questions, and a plain JSON route for programs.

    POST /api/ask   {"question": "...", "history": [...]}  →  the JSON Answer (DESIGN.md)

    GET  /api/status                         →  how /api/ask answers now (workers ready, …)

``/api/ask`` skips Gradio's queue (an answer is ~20 ms of work; the queue's join/stream round
trips cost several times that) and answers in ``Settings.answer_processes`` worker processes
(qa/present/workers.py: an answer is GIL-bound, so threads use one core however many there
are). The workers start once the server's own engine is warm; until one is ready, when none
can start, or while all are restarting, ``/api/ask`` answers in this process, in a thread pool
of ``Settings.answer_workers`` (also the whole path when ``answer_processes`` is 0 or 1). A
worker that dies while answering gets its question a 503 "ask again" and is restarted. The
Gradio handlers (the chat, the ``/ask`` API) keep the in-process engine: only ``/api/ask``
uses the workers.

Both limits are plain ASGI middleware, so they cover every route, Gradio's included:

- a body over ``Settings.max_request_bytes`` is refused with 413 and a one-line message before
  it is read (by its Content-Length) or as soon as the bytes received pass the cap (chunked:
  bodies are read up to the cap, then handed on); nothing of it is echoed;
- questions (POSTs) are rate-limited per client address by a token bucket
  (``rate_per_second``, ``rate_burst``): a classroom behind one address asking a question every
  few seconds each stays far below it; a script flooding the server gets 429 with Retry-After.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import threading
import time
from collections import OrderedDict
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from qa.present.workers import REAL_ENGINE, AnswerPool, PoolUnavailable, WorkerDied
from qa.settings import Settings

ASGIApp = Any


async def _reply(send, status: int, message: str, headers: list | None = None) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def too_large_message(limit: int) -> str:
    """The 413 message (the limit only; nothing of the request)."""
    return (f"The request is too large (limit {limit // 1024} KiB); "
            "questions are at most a few lines.")


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, never reading or echoing them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await _reply(send, 413, too_large_message(self.limit))
        body, size, more = [], 0, True
        while more:  # read at most limit + one message, then replay what was read
            message = await receive()
            if message["type"] != "http.request":
                return None  # the client went away
            body.append(message.get("body", b""))
            size += len(body[-1])
            more = message.get("more_body", False)
            if size > self.limit:
                return await _reply(send, 413, too_large_message(self.limit))
        replay = [{"type": "http.request", "body": b"".join(body), "more_body": False}]

        async def replayed():
            return replay.pop() if replay else await receive()

        return await self.app(scope, replayed, send)


class TokenBuckets:
    """One token bucket per key: ``rate`` tokens a second up to ``burst``; bounded in keys."""

    def __init__(self, rate: float, burst: float, max_keys: int = 10_000,
                 clock=time.monotonic) -> None:
        self.rate, self.burst, self.max_keys, self.clock = rate, burst, max_keys, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when a token was taken; otherwise the seconds until one is available."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self._buckets[key] = (tokens - 1 if wait == 0 else tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait


class RateLimit:
    """429 for POSTs from an address that has used up its bucket (GETs are never limited)."""

    def __init__(self, app: ASGIApp, buckets: TokenBuckets) -> None:
        self.app, self.buckets = app, buckets

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope.get("method") == "POST":
            client = (scope.get("client") or ("?", 0))[0]
            wait = self.buckets.take(client)
            if wait:
                return await _reply(
                    send, 429, "Too many questions from this address; please wait a moment.",
                    [(b"retry-after", str(math.ceil(wait)).encode())])
        return await self.app(scope, receive, send)


def _history(value: Any) -> list | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError("history must be a list of earlier turns")
    return value


#: Asked of the server's own engine before the workers start (it waits for the warm-up).
WARM_QUESTION = "How many people were killed?"


def make_pool(settings: Settings, engine: str = REAL_ENGINE) -> AnswerPool | None:
    """The worker processes for ``/api/ask`` (not started), or None for the thread path
    (``answer_processes`` 0 or 1)."""
    if settings.answer_processes <= 1:
        return None
    return AnswerPool(settings.answer_processes, engine=engine,
                      start_timeout=settings.worker_start_timeout_s,
                      max_start_failures=settings.worker_start_failures)


def api_routes(app, answer, settings: Settings, pool: AnswerPool | None = None) -> None:
    """Add ``POST /api/ask`` and ``GET /api/status`` to a FastAPI app; ``answer(question,
    history)`` → Answer answers in threads, or ``pool`` (when given and ready) in processes."""
    limiter = anyio.CapacityLimiter(settings.answer_workers)

    @app.get("/api/status")
    async def status() -> JSONResponse:
        if pool is None:
            return JSONResponse({"answer_processes": 0, "answering": "threads"})
        return JSONResponse(pool.status())

    @app.post("/api/ask")
    async def ask(request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"null")
            if not isinstance(body, dict) or not isinstance(body.get("question"), str):
                raise ValueError('send a JSON object {"question": "...", "history": [...]}')
            history = _history(body.get("history"))
        except json.JSONDecodeError:
            return JSONResponse({"error": "The request body is not JSON: send "
                                          '{"question": "...", "history": [...]}.'},
                                status_code=400)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        if pool is not None:
            try:
                reply = await asyncio.wrap_future(pool.submit(body["question"], history))
            except WorkerDied as exc:
                return JSONResponse({"error": str(exc)}, status_code=503,
                                    headers={"retry-after": "1"})
            except PoolUnavailable:
                pass  # no worker ready (starting, restarting or none could start): in-process
            else:
                return Response(reply.body, status_code=reply.status,
                                media_type="application/json")
        try:
            result = await anyio.to_thread.run_sync(answer, body["question"], history,
                                                    limiter=limiter)
        except RuntimeError as exc:  # the index is not ready or failed to load
            return JSONResponse({"error": str(exc)}, status_code=503)
        return JSONResponse(result.to_dict())


def build(demo, answer, settings: Settings, worker_engine: str = REAL_ENGINE,
          **gradio_kwargs: Any):
    """The ASGI app: ``/api/ask`` and the Gradio page under the two limits. The answer workers
    (``make_pool``; ``worker_engine`` is their engine factory) start with the server, once
    ``answer`` has answered :data:`WARM_QUESTION` in this process, and stop with it."""
    import gradio as gr

    pool = make_pool(settings, worker_engine)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        if pool is not None:
            pool.start(after=lambda: answer(WARM_QUESTION, None))
        try:
            yield
        finally:
            if pool is not None:
                await anyio.to_thread.run_sync(pool.close)

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    api_routes(app, answer, settings, pool)
    app = gr.mount_gradio_app(app, demo, path="", **gradio_kwargs)
    limited = RateLimit(app, TokenBuckets(settings.rate_per_second, settings.rate_burst))
    return BodyLimit(limited, settings.max_request_bytes)
