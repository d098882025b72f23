"""Load test: start the app on loopback, send a bounded burst of concurrent questions, stop it.

    python -m bench.load                          # 8 clients x 50 questions, app.py's /api/ask
    python -m bench.load --target app             # the same through Gradio's /ask (gradio_client)
    python -m bench.load --total 1000             # 1,000 questions, RSS sampled along the way
    python -m bench.load --target builtin         # a minimal HTTP server around qa.answer
    python -m bench.load --answer-processes 0     # /api/ask in the server's threads (before #14)

The server is ``python app.py --port P`` on 127.0.0.1 (its JSON ``POST /api/ask``, or with
``--target app`` the Gradio ``/ask`` API called with ``gradio_client``), or with
``--target builtin`` a plain ``http.server`` around ``qa.answer`` started from this file
(``POST /ask`` with ``{"question": …}``). Every answer is checked: it must be the JSON Answer
for the question asked, and every citation's quote must equal the seed text at its offsets;
anything else counts as an error. The run is bounded in questions and in time
(``--max-seconds``), and the server is killed at the end whatever happens.

With ``/api/ask`` answered by worker processes (``Settings.answer_processes``;
``--answer-processes N`` sets ``MASANCHI_ANSWER_PROCESSES`` for the server) the run waits until
``GET /api/status`` says every worker is ready before measuring. Memory is the resident set of
the server and all its children (the workers), sampled every 0.25 s along the run: start, end,
peak, and the server / workers split.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.measure import ROOT, env_with, latency_summary, load_average, load_questions

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MiB."""
    return tree_rss_split_mb(pid)[0]


def tree_rss_split_mb(pid: int) -> tuple[float, float, int]:
    """(resident memory of a process and all its children, of the children alone, in MiB;
    number of children). Pages the processes share (libraries) are counted in each."""
    import psutil

    try:
        proc = psutil.Process(pid)
        children = proc.children(recursive=True)
        parent = proc.memory_info().rss
    except psutil.NoSuchProcess:
        return float("nan"), float("nan"), 0
    rest = 0
    for p in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            rest += p.memory_info().rss
    return (parent + rest) / 2**20, rest / 2**20, len(children)


def tree_cpu_s(pid: int) -> tuple[float, float]:
    """(CPU seconds, user + system, used so far by a process; by its children)."""
    import psutil

    def cpu(p: psutil.Process) -> float:
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            return 0.0
        return t.user + t.system

    try:
        proc = psutil.Process(pid)
        return cpu(proc), sum(cpu(c) for c in proc.children(recursive=True))
    except psutil.NoSuchProcess:
        return float("nan"), float("nan")


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process and its children, in MiB: pages shared between them
    (libraries, the memory-mapped model files) counted once in all, not once per process."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return float("nan")
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error, AttributeError):
            total += p.memory_full_info().pss
    return total / 2**20


class PeakRss:
    """Samples the server tree's RSS every ``every`` seconds in a thread; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.pid, self.every, self.peak_mb = pid, every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = tree_rss_mb(self.pid)
            if total == total:  # not NaN
                self.peak_mb = max(self.peak_mb, total)
            self._stop.wait(self.every)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


# ---------------------------------------------------------------------------- builtin server


def serve_builtin(port: int) -> None:
    """A minimal threaded HTTP server: ``POST /ask`` → Answer JSON (dry runs without app.py)."""
    import qa

    qa.warm_up()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._send(200, {"ready": True})

        def do_POST(self) -> None:
            if self.path != "/ask":
                self._send(404, {"error": "not found"})
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                question = json.loads(body)["question"]
                self._send(200, qa.answer(question).to_dict())
            except Exception as e:  # reported to the client, never kills the server
                self._send(500, {"error": f"{type(e).__name__}: {e}"})

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    ThreadingHTTPServer((HOST, port), Handler).serve_forever()


# ---------------------------------------------------------------------------- clients


def _seed_texts() -> dict[str, str]:
    from index.corpus import load_articles

    return {a.doc_id: a.text for a in load_articles()}


def check_answer(question: str, result: Any, seeds: dict[str, str]) -> str | None:
    """Why ``result`` is not a valid Answer for ``question``, or None when it is."""
    if not isinstance(result, dict):
        return f"not a JSON object: {type(result).__name__}"
    if result.get("question") != question:
        return "answer for another question"
    if "refused" not in result or "citations" not in result:
        return "missing fields"
    for c in result["citations"]:
        text = seeds.get(c.get("doc_id"), "")
        if text[c["start"] : c["end"]] != c["quote"]:
            return f"citation [{c.get('n')}] does not match {c.get('doc_id')}"
    return None


def gradio_caller(url: str) -> Callable[[str], Any]:
    """A per-thread function asking the app's ``/ask`` API through gradio_client."""
    from gradio_client import Client

    client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
    return lambda q: client.predict(q, api_name="/ask")


def http_caller(url: str, path: str = "/ask", timeout: float = 60) -> Callable[[str], Any]:
    """A function asking ``POST {path}`` with ``{"question": …}`` (the builtin server's
    ``/ask``, or app.py's ``/api/ask``)."""

    def ask(question: str) -> Any:
        req = urllib.request.Request(
            url.rstrip("/") + path, data=json.dumps({"question": question}).encode(),
            headers={"Content-Type": "application/json"}, method="POST",
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())

    return ask


@dataclass
class Tally:
    """What the clients saw, shared between their threads."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_clients(make_caller: Callable[[], Callable[[str], Any]], questions: list[str],
                clients: int, per_client: int, deadline: float, seeds: dict[str, str],
                on_progress: Callable[[int], None] | None = None) -> Tally:
    """``clients`` threads each ask ``per_client`` questions (cycling the list) until done or
    the deadline passes."""
    tally = Tally()

    def worker(k: int) -> None:
        try:
            ask = make_caller()
        except Exception as e:
            with tally.lock:
                tally.errors.append(f"client {k} could not connect: {e}")
            return
        for i in range(per_client):
            if time.monotonic() > deadline:
                with tally.lock:
                    tally.errors.append(f"client {k} stopped at the deadline after {i}")
                return
            q = questions[(k * per_client + i) % len(questions)]
            t0 = time.perf_counter()
            try:
                problem = check_answer(q, ask(q), seeds)
            except Exception as e:
                problem = f"{type(e).__name__}: {str(e)[:200]}"
            ms = (time.perf_counter() - t0) * 1000
            with tally.lock:
                tally.latencies_ms.append(ms)
                tally.done += 1
                if problem:
                    tally.errors.append(f"{q[:50]!r}: {problem}")
                done = tally.done
            if on_progress:
                on_progress(done)

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()) + 5)
    return tally


# ---------------------------------------------------------------------------- orchestration


def start_server(target: str, port: int, log_path: Path, index_dir: str | None,
                 answer_processes: int | None = None) -> subprocess.Popen:
    """Start app.py (or the builtin server) on loopback; its output goes to ``log_path``."""
    env = env_with(GRADIO_ANALYTICS_ENABLED="False", MASANCHI_HOST=HOST)
    if index_dir:
        env["MASANCHI_INDEX_DIR"] = index_dir
    if answer_processes is not None:
        env["MASANCHI_ANSWER_PROCESSES"] = str(answer_processes)
    if target in ("app", "api"):
        args = [sys.executable, "app.py", "--host", HOST, "--port", str(port)]
    else:
        args = [sys.executable, "-m", "bench.load", "--serve", str(port)]
    with open(log_path, "wb") as log:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(url: str, proc: subprocess.Popen, timeout: float) -> float:
    """Seconds until the server answers HTTP; raises if it exits or times out."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return time.monotonic() - t0
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise TimeoutError(f"the server did not answer within {timeout:.0f} s")


def wait_workers(url: str, proc: subprocess.Popen, timeout: float) -> dict[str, Any]:
    """Poll ``GET /api/status`` until every answer worker is ready or has given up (printing
    progress); {} when the server has no such route (another target, an older app)."""
    t0, last = time.monotonic(), None
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url.rstrip("/") + "/api/status", timeout=5) as resp:
                status = json.loads(resp.read())
        except urllib.error.HTTPError:
            return {}
        starting = status.get("starting", 0)
        if (status.get("workers_ready"), starting) != last:
            last = (status.get("workers_ready"), starting)
            print(f"  answer workers: {status.get('workers_ready', 0)} of "
                  f"{status.get('answer_processes', 0)} ready, {starting} starting "
                  f"({time.monotonic() - t0:.0f} s)", file=sys.stderr, flush=True)
        if not starting or time.monotonic() - t0 > timeout:
            return {**status, "waited_s": round(time.monotonic() - t0, 2)}
        time.sleep(0.5)


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate the server (and kill it if it does not stop within 10 s)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start the server, warm it, run the burst, sample memory, stop the server."""
    questions = load_questions()
    seeds = _seed_texts()
    total = args.total or args.clients * args.per_client
    per_client = -(-total // args.clients)
    port = args.port or free_port()
    url = f"http://{HOST}:{port}/"
    log_path = Path(args.log)
    t_start = time.monotonic()
    deadline = t_start + args.max_seconds
    proc = start_server(args.target, port, log_path, args.index_dir, args.answer_processes)
    out: dict[str, Any] = {"target": args.target, "clients": args.clients, "total": total}
    try:
        up_s = wait_ready(url, proc, min(args.max_seconds, 300))
        make = {"app": lambda: gradio_caller(url),
                "api": lambda: http_caller(url, "/api/ask"),
                "builtin": lambda: http_caller(url)}[args.target]
        first = make()
        t0 = time.perf_counter()
        problem = check_answer(questions[0], first(questions[0]), seeds)
        out["server_up_s"] = round(up_s, 2)
        out["first_answer_s"] = round(time.monotonic() - t_start, 2)
        out["first_answer_call_s"] = round(time.perf_counter() - t0, 2)
        if problem:
            raise RuntimeError(f"the first answer is wrong: {problem}")
        if args.target == "api":
            out["workers"] = wait_workers(url, proc, max(0.0, deadline - time.monotonic()))
        for q in questions[1:6]:  # warm every path once before measuring
            first(q)
        total_mb, workers_mb, children = tree_rss_split_mb(proc.pid)
        out["rss_before_mb"] = round(total_mb, 1)
        out["rss_before_workers_mb"] = round(workers_mb, 1)
        out["processes"] = 1 + children
        out["pss_before_mb"] = round(tree_pss_mb(proc.pid), 1)
        samples: list[tuple[int, float]] = [(0, out["rss_before_mb"])]
        every = max(total // 10, 25)

        def on_progress(done: int) -> None:
            if done % every == 0:
                samples.append((done, round(tree_rss_mb(proc.pid), 1)))
                print(f"  {done}/{total} answered, server RSS {samples[-1][1]:.0f} MiB",
                      file=sys.stderr, flush=True)

        cpu0, own0 = tree_cpu_s(proc.pid), time.process_time()
        t0 = time.perf_counter()
        with PeakRss(proc.pid) as peak:
            tally = run_clients(make, questions, args.clients, per_client, deadline, seeds,
                                on_progress)
        wall = time.perf_counter() - t0
        total_mb, workers_mb, _ = tree_rss_split_mb(proc.pid)
        cpu1, own1 = tree_cpu_s(proc.pid), time.process_time()
        out["cpu_s"] = {"server": round(cpu1[0] - cpu0[0], 1),
                        "workers": round(cpu1[1] - cpu0[1], 1),
                        "clients": round(own1 - own0, 1)}
        out.update(
            answered=tally.done,
            wall_s=round(wall, 2),
            throughput_qps=round(tally.done / wall, 2) if wall else 0.0,
            latency=latency_summary(tally.latencies_ms),
            errors=len(tally.errors),
            error_samples=tally.errors[:5],
            rss_after_mb=round(total_mb, 1),
            rss_after_workers_mb=round(workers_mb, 1),
            rss_peak_mb=round(max(peak.peak_mb, total_mb), 1),
            pss_after_mb=round(tree_pss_mb(proc.pid), 1),
            rss_samples=samples,
            server_alive=proc.poll() is None,
        )
        out["rss_growth_mb"] = round(out["rss_after_mb"] - out["rss_before_mb"], 1)
    finally:
        stop_server(proc)
    out["load"] = load_average()
    return out


def report(r: dict[str, Any]) -> None:
    """Print the figures of a load run."""
    lat = r.get("latency", {})
    print(f"\n== Load test: {r['target']}, {r['clients']} clients, {r['total']} questions "
          f"({r['load']}) ==")
    print(f"server answering HTTP after {r.get('server_up_s', '-')} s; first answer "
          f"{r.get('first_answer_s', '-')} s after spawn")
    print(f"answered {r.get('answered', 0)} in {r.get('wall_s', '-')} s: "
          f"{r.get('throughput_qps', '-')} questions/s")
    print(f"latency per question (client side): p50 {lat.get('p50_ms', '-')} ms, "
          f"p95 {lat.get('p95_ms', '-')} ms, max {lat.get('max_ms', '-')} ms")
    print(f"errors: {r.get('errors', '-')}" + (f"  e.g. {r['error_samples']}"
                                                if r.get("error_samples") else ""))
    if cpu := r.get("cpu_s"):
        print(f"CPU seconds during the run: server {cpu['server']}, workers {cpu['workers']}, "
              f"clients (this process) {cpu['clients']}")
    workers = r.get("workers") or {}
    if workers:
        print(f"/api/ask answered in {workers.get('answering')}: "
              f"{workers.get('workers_ready', 0)} of {workers.get('answer_processes', 0)} "
              f"answer workers ready ({workers.get('workers_failed', 0)} failed; waited "
              f"{workers.get('waited_s', '-')} s after the first answer)")
    print(f"server RSS ({r.get('processes', 1)} processes: the server and its workers): before "
          f"{r.get('rss_before_mb', '-')} MiB, after {r.get('rss_after_mb', '-')} MiB (growth "
          f"{r.get('rss_growth_mb', '-')} MiB), peak {r.get('rss_peak_mb', '-')} MiB; workers "
          f"{r.get('rss_before_workers_mb', '-')} → {r.get('rss_after_workers_mb', '-')} MiB")
    print(f"proportional (PSS: shared pages counted once): before {r.get('pss_before_mb', '-')} "
          f"MiB, after {r.get('pss_after_mb', '-')} MiB")
    if len(r.get("rss_samples", [])) > 2:
        print("RSS along the run: " + ", ".join(f"{n}:{m:.0f}" for n, m in r["rss_samples"]))


def main(argv: list[str] | None = None) -> int:
    """CLI: run the load test (or, with --serve, be the builtin server)."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=["api", "app", "builtin"], default="api",
                        help="api: app.py's POST /api/ask (default); app: app.py's Gradio /ask "
                             "through gradio_client; builtin: http.server around qa.answer")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-client", type=int, default=50)
    parser.add_argument("--total", type=int, default=0,
                        help="questions in all (overrides clients x per-client)")
    parser.add_argument("--max-seconds", type=float, default=900,
                        help="stop asking after this long, whatever is left")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--index-dir", help="MASANCHI_INDEX_DIR for the server")
    parser.add_argument("--log", default="/tmp/masanchi-load-server.log", help="server output")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--answer-processes", type=int, metavar="N",
                        help="MASANCHI_ANSWER_PROCESSES for the server: worker processes "
                             "answering /api/ask (0: the server's threads; default: Settings)")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve_builtin(args.serve)
        return 0
    result = run(args)
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if result.get("errors") == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
