"""Benchmarks that print figures (tests never assert on wall-clock time).

    python -m bench                       # ours vs the common recipe on the five seeds
    python -m bench --profile             # … plus cold-start and warm-path profiles
    python -m bench --scale 1,1000,10000  # build throughput, size, latency, HNSW recall by size

Everything is built in a temporary folder (the project's .cache/index is not touched) and
removed at the end (``--keep`` keeps it). See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import (
    ROOT,
    dir_size_mb,
    env_with,
    last_json,
    load_average,
    load_questions,
    run_timed,
    spread,
)

COLD_QUESTION = "How many people were killed?"
#: The issue's targets: (figure key, limit, unit).
TARGETS = {
    "cold_start_s": 6.0,
    "build_fresh_s": 10.0,
    "warm_p95_ms": 50.0,
}
SCALE_P95_TARGET_MS = 150.0


def log(message: str) -> None:
    """Progress on stderr (figures go to stdout)."""
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ seeds: ours vs baseline


def _checked(t: Any, what: str) -> None:
    if t.returncode != 0:
        raise RuntimeError(f"{what} failed ({t.returncode}): {t.stderr[-2000:]}")


def measure_system(system: str, work: Path, questions_file: Path, cold_runs: int, repeat: int,
                   profile: bool) -> dict[str, Any]:
    """Build (fresh process), cold starts, warm latency and memory of one system."""
    index_dir = work / system
    # an empty shared cache of its own: the build timed embeds and parses everything
    env = env_with(MASANCHI_INDEX_DIR=str(index_dir), MASANCHI_QUERY_CACHE="0",
                   MASANCHI_SHARED_CACHE_DIR=str(work / f"shared-{system}"))
    out: dict[str, Any] = {"system": system}
    log(f"[{system}] building the index in a fresh process …")
    if system == "ours":
        t = run_timed(["-m", "index", "build", "--force"], env)
        _checked(t, "index build")
        manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
        out["build_inproc_s"] = manifest.get("build_seconds")
        out["counts"] = manifest.get("counts")
        cold_args = ["-m", "qa", COLD_QUESTION]
    else:
        t = run_timed(["-m", "bench.baseline", "build", str(index_dir)], env)
        _checked(t, "baseline build")
        info = last_json(t.stdout)
        out["build_inproc_s"] = info["build_seconds"]
        out["counts"] = {"chunks": info["chunks"]}
        cold_args = ["-m", "bench.baseline", "ask", str(index_dir), COLD_QUESTION]
    out["build_fresh_s"] = round(t.exit_s, 2)
    if system == "ours":  # again into an empty index folder, the shared vectors now there
        shutil.rmtree(index_dir)
        t = run_timed(["-m", "index", "build", "--force"], env)
        _checked(t, "index build with the shared cache")
        out["build_cached_s"] = round(t.exit_s, 2)
    out["index_mb"] = round(dir_size_mb(index_dir), 2)
    firsts, exits = [], []
    for i in range(cold_runs):
        log(f"[{system}] cold start {i + 1}/{cold_runs} …")
        t = run_timed(cold_args, env)
        _checked(t, "cold start")
        firsts.append(t.first_output_s)
        exits.append(t.exit_s)
    out["cold_start_s"] = round(statistics.median(firsts), 2)
    out["cold_start_min_s"] = round(min(firsts), 2)
    out["cold_exit_s"] = round(statistics.median(exits), 2)
    log(f"[{system}] warm questions …")
    args = ["-m", "bench.worker", system, "--questions-file", str(questions_file),
            "--repeat", str(repeat)]
    if system == "baseline":
        args += ["--index-dir", str(index_dir)]
    if profile:
        args.append("--profile")
    t = run_timed(args, env, timeout=1800)
    _checked(t, "warm worker")
    warm = last_json(t.stdout)
    out.update(
        warm_p50_ms=warm["latency"]["p50_ms"],
        warm_p95_ms=warm["latency"]["p95_ms"],
        warm_mean_ms=warm["latency"]["mean_ms"],
        warm_n=warm["latency"]["n"],
        stage_p50_ms=warm["stage_p50_ms"],
        peak_rss_mb=warm["peak_rss_mb"],
        refused_share=warm["refused_share"],
        quote_chars_p50=warm["quote_chars_p50"],
        warm_up_s=warm["warm_up_s"],
    )
    if "profile" in warm:
        out["warm_profile"] = warm["profile"]
    return out


ROWS: list[tuple[str, str, str]] = [
    ("cold start: spawn → first answer, s (median)", "cold_start_s", "{:.2f}"),
    ("cold start: spawn → process exit, s (median)", "cold_exit_s", "{:.2f}"),
    ("index build for the seeds, fresh process, s", "build_fresh_s", "{:.2f}"),
    ("index build, manifest build_seconds, s", "build_inproc_s", "{:.2f}"),
    ("index build, clean folder, vectors cached, s", "build_cached_s", "{:.2f}"),
    ("warm latency p50, ms", "warm_p50_ms", "{:.1f}"),
    ("warm latency p95, ms", "warm_p95_ms", "{:.1f}"),
    ("warm latency mean, ms", "warm_mean_ms", "{:.1f}"),
    ("peak RSS (warm worker), MiB", "peak_rss_mb", "{:.0f}"),
    ("index size on disk, MiB", "index_mb", "{:.2f}"),
    ("share of questions refused", "refused_share", "{:.2f}"),
    ("median quote length, chars", "quote_chars_p50", "{:.0f}"),
]


def print_comparison(ours: dict[str, Any], base: dict[str, Any] | None, n_questions: int) -> None:
    """The seeds table: ours, baseline, ratio, target."""
    print(f"\n== Seeds: ours vs the common recipe ({n_questions} questions; {load_average()}) ==")
    head = f"{'figure':47} {'ours':>9} {'baseline':>9} {'ratio':>7}  target"
    print(head)
    print("-" * len(head))
    for label, key, fmt in ROWS:
        a = ours.get(key)
        b = base.get(key) if base else None
        both = isinstance(a, int | float) and isinstance(b, int | float) and b
        ratio = f"{a / b:.2f}x" if both else ""
        target = ""
        if key in TARGETS and isinstance(a, int | float):
            target = f"< {TARGETS[key]:g}: {'met' if a < TARGETS[key] else 'MISSED'}"
        print(f"{label:47} {fmt.format(a) if a is not None else '-':>9} "
              f"{fmt.format(b) if b is not None else '-':>9} {ratio:>7}  {target}")
    print(f"ours: {ours.get('counts')}; stage p50 ms {ours.get('stage_p50_ms')}")
    if base:
        print(f"baseline: {base.get('counts')}")


def run_seeds(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """The default benchmark: both systems on the five seeds."""
    questions = load_questions()
    if args.questions:
        questions = spread(questions, args.questions)
    qfile = work / "questions.txt"
    qfile.write_text("\n".join(q.replace("\n", " ") for q in questions) + "\n", encoding="utf-8")
    log(f"{len(questions)} questions; {load_average()}")
    ours = measure_system("ours", work, qfile, args.cold_runs, args.repeat, args.profile)
    base = None
    if not args.no_baseline:
        base = measure_system("baseline", work, qfile, args.cold_runs, args.repeat, False)
    print_comparison(ours, base, len(questions))
    result: dict[str, Any] = {"ours": ours, "baseline": base, "load": load_average()}
    if args.profile:
        from bench.profiling import cold_profile, import_times

        env = env_with(MASANCHI_INDEX_DIR=str(work / "ours"), MASANCHI_QUERY_CACHE="0")
        print("\n== Cold start: slowest top-level imports of `python -m qa` (cumulative s) ==")
        imports = import_times(env)
        for name, secs in imports:
            print(f"  {secs:6.2f}  {name}")
        print("\n== Cold start: cProfile of `python -m qa`, by cumulative time ==")
        cold = cold_profile(env)
        print(cold)
        print("\n== Warm path: cProfile of the warm questions, by own time ==")
        print(ours.get("warm_profile", "(none)"))
        result["imports"] = imports
        result["cold_profile"] = cold
    return result


# ---------------------------------------------------------------------------- scale


def _run_point(n: int, mode: str, work: Path, n_questions: int, timeout: float,
               profile: bool, whatif: bool = False) -> dict[str, Any]:
    """Run one scale point in a fresh process, echoing its progress; kill it on timeout."""
    point_dir = work / f"n{n}-{mode}"
    args = [sys.executable, "-m", "bench.scale", str(n), "--mode", mode, "--work",
            str(point_dir), "--questions", str(n_questions)]
    if profile:
        args.append("--profile")
    if whatif:
        args.append("--what-if")
    point_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with open(point_dir / "stderr.log", "wb") as err:
        proc = subprocess.Popen(args, cwd=ROOT, env=env_with(), stdout=subprocess.PIPE,
                                stderr=err, text=True)
        assert proc.stdout is not None
        last = ""
        deadline = time.monotonic() + timeout
        try:
            for line in proc.stdout:
                if line.startswith("# "):
                    log(f"  [{n} {mode} {time.perf_counter() - t0:6.0f}s] {line[2:].rstrip()}")
                elif line.strip():
                    last = line
                if time.monotonic() > deadline:
                    raise TimeoutError
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except (TimeoutError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
            return {"n": n, "mode": mode, "error": f"stopped after {timeout:.0f} s (budget)"}
    shutil.rmtree(point_dir / "index", ignore_errors=True)
    if proc.returncode != 0 or not last:
        tail = (point_dir / "stderr.log").read_text(errors="replace")[-1500:]
        return {"n": n, "mode": mode, "error": f"exit {proc.returncode}: {tail}"}
    result = json.loads(last)
    result["wall_s"] = round(time.perf_counter() - t0, 1)
    return result


def _estimate(n: int, mode: str, done: list[dict[str, Any]]) -> float | None:
    """Seconds a point should take, scaled linearly from the largest finished point."""
    base_mode = "cached" if mode == "approx" else mode
    prior = [r for r in done if r.get("mode") == base_mode and "error" not in r and r["n"] > 1]
    if not prior:
        return None
    p = max(prior, key=lambda r: r["n"])
    ratio = n / p["n"]
    per_n = p["wall_s"] - p.get("model_load_s", 0) - 15  # ~15 s of imports
    if mode == "approx":  # no chunk embedding: drop the MiniLM phase
        minilm = sum(s for msg, s in p.get("phases", []) if "MiniLM" in msg)
        per_n -= minilm * 0.9
    return 30 + max(per_n, 1) * ratio


def plan_modes(n: int, uncached_max: int) -> list[str]:
    """Modes to try at size n: the seeds uncached; small sizes both ways; large sizes cached."""
    if n == 1:
        return ["uncached"]
    return ["uncached", "cached"] if n <= uncached_max else ["cached"]


def run_scale(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    """The scale benchmark within a time budget: measure, extrapolate, say what was skipped."""
    sizes = [int(s) for s in args.scale.split(",") if s.strip()]
    budget_end = time.monotonic() + args.budget_min * 60
    done: list[dict[str, Any]] = []
    log(f"scale {sizes}, budget {args.budget_min} min; {load_average()}")
    for n in sizes:
        for mode in plan_modes(n, args.uncached_max):
            left = budget_end - time.monotonic()
            est = _estimate(n, mode, done)
            if est is not None and est > left and mode == "cached":
                log(f"n={n} cached: estimated {est / 60:.1f} min > {left / 60:.1f} min left; "
                    "trying approx (chunk vectors = sentence means)")
                mode = "approx"
                est = _estimate(n, mode, done)
            if est is not None and est > left:
                log(f"n={n} {mode}: estimated {est / 60:.1f} min > {left / 60:.1f} min left; "
                    "skipped")
                done.append({"n": n, "mode": mode, "skipped": f"estimated {est / 60:.1f} min",
                             "estimate_s": round(est)})
                continue
            if left < 60:
                done.append({"n": n, "mode": mode, "skipped": "budget used up"})
                continue
            log(f"n={n} {mode}: running (estimate "
                f"{'-' if est is None else f'{est / 60:.1f} min'}, {left / 60:.1f} min left)")
            done.append(_run_point(n, mode, work, args.questions or 50, left, args.profile,
                                   args.what_if))
    print_scale(done)
    return done


def print_scale(rows: list[dict[str, Any]]) -> None:
    """The scale table, the HNSW table and extrapolations for what was not run."""
    print(f"\n== Scale ({load_average()}) ==")
    head = (f"{'articles':>8} {'mode':8} {'sentences':>9} {'chunks':>7} {'build s':>8} "
            f"{'art/s':>7} {'sent/s':>7} {'MiB':>7} {'load s':>7} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'peak MiB':>8}")
    print(head)
    print("-" * len(head))
    for r in rows:
        label = "seeds" if r["n"] == 1 else str(r["n"])
        if "error" in r or "skipped" in r:
            print(f"{label:>8} {r['mode']:8} {r.get('error') or 'skipped: ' + r['skipped']}")
            continue
        lat = r["latency"]
        print(f"{label:>8} {r['mode']:8} {r['sentences']:>9} {r['chunks']:>7} {r['build_s']:>8.1f} "
              f"{r['articles_per_s']:>7.1f} {r['sentences_per_s']:>7.0f} {r['index_mb']:>7.1f} "
              f"{r['engine_load_s']:>7.1f} {lat['p50_ms']:>7.1f} {lat['p95_ms']:>7.1f} "
              f"{r['peak_rss_mb']:>8.0f}")
    ok = [r for r in rows if "latency" in r]
    for r in ok:
        if r["n"] > 1 and "minilm_texts" in r:
            mt, ut = r["minilm_texts"], r["use_texts"]
            print(f"  {r['n']} {r['mode']}: MiniLM embedded {mt['embedded']} of {mt['asked']} "
                  f"texts, USE {ut['embedded']} of {ut['asked']}"
                  + (f"; {r['approximated_texts']} chunk vectors approximated"
                     if "approximated_texts" in r else ""))
    unc = [r for r in ok if r["mode"] == "uncached" and r["n"] > 1]
    if unc:
        ref = max(unc, key=lambda r: r["n"])
        for n in sorted({r["n"] for r in rows} - {r["n"] for r in unc} - {1}):
            minutes = ref["build_s"] * n / ref["n"] / 60
            print(f"  extrapolated uncached build at {n}: ~{minutes:.0f} min (linear from "
                  f"{ref['n']} articles, {ref['sentences_per_s']:.0f} sentences/s)")
    for r in ok:
        if r["n"] > 1 and r["latency"]["p95_ms"] >= SCALE_P95_TARGET_MS:
            print(f"  {r['n']} articles: p95 {r['latency']['p95_ms']:.0f} ms MISSES the "
                  f"{SCALE_P95_TARGET_MS:.0f} ms target")
    print(f"\n{'articles':>8} {'mode':8} {'index':9} {'vectors':>8} {'recall@10':>9} "
          f"{'by id':>6} {'HNSW build s':>12} {'exact ms':>8} {'HNSW ms':>8}")
    for r in ok:
        for kind in ("chunks", "sentences"):
            h = r.get(f"hnsw_{kind}")
            if h:
                label = "seeds" if r["n"] == 1 else str(r["n"])
                print(f"{label:>8} {r['mode']:8} {kind:9} {h['vectors']:>8} "
                      f"{h['recall_at_10']:>9.3f} {h['recall_at_10_by_id']:>6.3f} "
                      f"{h['hnsw_build_s']:>12.1f} {h['exact_search_p50_ms']:>8.2f} "
                      f"{h['hnsw_search_p50_ms']:>8.2f}")
    for r in ok:
        label = "seeds" if r["n"] == 1 else f"{r['n']} articles"
        print(f"  {label}: citations per answer p50 {r.get('citations_p50', '-')}, "
              f"max {r.get('citations_max', '-')}")
        for what, lat in (r.get("what_if") or {}).items():
            print(f"  {label} what-if [{what}]: p50 {lat['p50_ms']:.1f} ms, "
                  f"p95 {lat['p95_ms']:.1f} ms, citations max {lat.get('citations_max', '-')}")
    for r in ok:
        if r.get("profile"):
            print(f"\n-- warm-path profile at {r['n']} articles ({r['mode']}) --\n{r['profile']}")


# ---------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", help="comma-separated corpus sizes (1 = the seeds)")
    parser.add_argument("--questions", type=int, default=0,
                        help="questions to time (default: all eval questions; 50 for --scale)")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the questions")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold starts per system")
    parser.add_argument("--no-baseline", action="store_true", help="skip the common recipe")
    parser.add_argument("--profile", action="store_true", help="also print profiles")
    parser.add_argument("--budget-min", type=float, default=25.0,
                        help="--scale: stop starting new points after this many minutes")
    parser.add_argument("--uncached-max", type=int, default=1000,
                        help="--scale: largest size also built without the embedding cache")
    parser.add_argument("--what-if", action="store_true",
                        help="--scale: also time questions with proposed qa/engine changes")
    parser.add_argument("--threads", type=int, default=0,
                        help="OMP_NUM_THREADS for the measured processes (default: unset)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.threads:  # inherited by every measured subprocess (torch, faiss: OpenMP)
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
    log(f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
    work = Path(tempfile.mkdtemp(prefix="masanchi-bench-"))
    try:
        result: Any = run_scale(args, work) if args.scale else run_seeds(args, work)
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
