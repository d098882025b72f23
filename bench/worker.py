"""Warm-latency worker, run in a fresh process per system so its peak memory is its own.

    python -m bench.worker ours --questions-file Q.txt [--repeat 2]
    python -m bench.worker baseline --index-dir DIR --questions-file Q.txt [--repeat 2]

``ours`` answers through ``qa.answer`` (index from ``MASANCHI_INDEX_DIR``), after
``qa.warm_up()``; ``baseline`` through :class:`bench.baseline.Baseline`. Every question is
asked ``repeat`` times after a short warm-up pass. The last stdout line is the result as JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.measure import latency_summary, peak_rss_mb, percentile, rss_mb
from bench.profiling import trim


def _ours() -> tuple[Callable[[str], dict[str, Any]], float]:
    import qa

    t0 = time.perf_counter()
    qa.warm_up()
    return (lambda q: qa.answer(q).to_dict()), time.perf_counter() - t0


def _baseline(index_dir: Path) -> tuple[Callable[[str], dict[str, Any]], float]:
    from bench.baseline import Baseline

    t0 = time.perf_counter()
    b = Baseline(index_dir)
    b("warm up")
    return b, time.perf_counter() - t0


def measure(system: str, questions: list[str], repeat: int = 2, index_dir: Path | None = None,
            profile: bool = False) -> dict[str, Any]:
    """Warm-up time, per-question latency, quote sizes and memory of one system."""
    ask, warm_s = _ours() if system == "ours" else _baseline(Path(index_dir or "."))
    for q in questions[:3]:
        ask(q)
    ms: list[float] = []
    stages: dict[str, list[float]] = {}
    quote_chars: list[int] = []
    refused = 0
    for _ in range(repeat):
        for q in questions:
            t0 = time.perf_counter()
            a = ask(q)
            ms.append((time.perf_counter() - t0) * 1000)
            refused += bool(a["refused"])
            quote_chars += [len(c["quote"]) for c in a["citations"]]
            for k, v in (a.get("timings_ms") or {}).items():
                stages.setdefault(k, []).append(v)
    out: dict[str, Any] = {
        "system": system,
        "warm_up_s": round(warm_s, 2),
        "latency": latency_summary(ms),
        "stage_p50_ms": {k: round(percentile(v, 50), 2) for k, v in stages.items()},
        "refused_share": round(refused / max(len(ms), 1), 3),
        "quote_chars_p50": round(percentile(quote_chars, 50), 1) if quote_chars else 0,
        "rss_mb": round(rss_mb(), 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    if profile:  # a separate pass, so the profiler's overhead stays out of the latencies
        profiler = cProfile.Profile()
        profiler.enable()
        for q in questions:
            ask(q)
        profiler.disable()
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(15)
        out["profile"] = trim(buf.getvalue())
    return out


def main(argv: list[str] | None = None) -> int:
    """CLI: measure one system, print one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.worker", description=__doc__)
    parser.add_argument("system", choices=["ours", "baseline"])
    parser.add_argument("--questions-file", type=Path, required=True, help="one per line")
    parser.add_argument("--index-dir", type=Path, help="the baseline's index folder")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="cProfile the warm questions")
    args = parser.parse_args(argv)
    questions = [q for q in args.questions_file.read_text(encoding="utf-8").splitlines() if q]
    result = measure(args.system, questions, args.repeat, args.index_dir, args.profile)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
