"""One point of the scale benchmark, run in its own process so peak memory is its own.

    python -m bench.scale N --mode uncached|cached|approx --work DIR [--questions 50]

N = 1 means the five seed articles; otherwise N synthetic articles (bench/synthetic.py).
The point builds the index with the project's own ``index.store.build`` (models loaded
beforehand, so build throughput excludes model loading), loads it through ``qa.Engine``,
times warm questions, and measures HNSW recall@10 against exact search on the same vectors.

Embedding modes (how the build embeds texts; questions always use the real model):

- ``uncached``: every text goes through the model, as ``index.store.build`` does today.
- ``cached``: a text-keyed embedding cache (:class:`CachingEmbedder`) so a repeated text is
  embedded once. Vectors are identical; only the time changes. The synthetic corpus repeats
  seed sentences, so this flatters it more than a real corpus.
- ``approx``: cached, and a text longer than ``APPROX_ABOVE`` characters (a chunk) gets the
  normalised mean of its sentences' vectors instead of its own. Only to reach large sizes
  within the time budget: search *costs* are those of the real index, rankings differ a little.

Lines starting with "# " are progress; the last line of stdout is the result as JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.measure import (
    QUESTIONS_FILE,
    dir_size_mb,
    latency_summary,
    load_questions,
    peak_rss_mb,
    percentile,
    rss_mb,
    spread,
)
from bench.profiling import trim

#: In ``approx`` mode, texts longer than this many characters are embedded as sentence means.
APPROX_ABOVE = 420
#: What-if: quote selection sees only this many of the best-scored sentences.
SELECT_TOP = 60
_SENTENCE_END = re.compile(r"(?<=[.!?”\"])\s+")


def say(message: str) -> None:
    """A progress line for the parent process."""
    print(f"# {message}", flush=True)


class CachingEmbedder:
    """Wraps an embedder with a cache keyed by text: each distinct text is embedded once.

    Same ``name`` and ``dims`` as the wrapped embedder, so the manifest does not change.
    """

    def __init__(self, inner: Any) -> None:
        """Wrap ``inner`` (anything with ``name``, ``dims`` and ``encode``)."""
        self.inner = inner
        self.name: str = inner.name
        self.dims: int = inner.dims
        self.cache: dict[str, np.ndarray] = {}
        self.calls = 0  #: texts asked for
        self.embedded = 0  #: texts the model actually embedded

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for ``texts``, embedding only the texts not seen before."""
        self.calls += len(texts)
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            self.cache.update(zip(todo, self.inner.encode(todo), strict=True))
            self.embedded += len(todo)
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        return np.stack([self.cache[t] for t in texts]).astype(np.float32)


class SentenceMeanEmbedder:
    """``approx`` mode: long texts get the normalised mean of their sentences' cached vectors."""

    def __init__(self, inner: CachingEmbedder, above: int = APPROX_ABOVE) -> None:
        """Short texts go straight to ``inner``; longer ones are split at sentence ends."""
        self.inner = inner
        self.name, self.dims, self.above = inner.name, inner.dims, above
        self.approximated = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors for ``texts`` (exact for short texts, sentence means for long ones)."""
        parts = [
            [p for p in _SENTENCE_END.split(t) if p.strip()] if len(t) > self.above else [t]
            for t in texts
        ]
        self.approximated += sum(len(t) > self.above for t in texts)
        flat = [p for ps in parts for p in ps]
        vecs = self.inner.encode(flat)
        out, i = [], 0
        for ps in parts:
            v = vecs[i : i + len(ps)].mean(axis=0)
            out.append(v / max(float(np.linalg.norm(v)), 1e-12))
            i += len(ps)
        return np.stack(out).astype(np.float32) if out else np.zeros((0, self.dims), np.float32)


def hnsw_recall(
    vectors: np.ndarray, queries: np.ndarray, k: int = 10
) -> dict[str, float | int]:
    """recall@k of the project's HNSW index against exact search on the same vectors.

    The HNSW index is built by ``index.store._vector_index`` with ``ANN_THRESHOLD`` patched to
    0, so it has the parameters the project would use. Two recalls are given: by id, and
    tie-aware (an HNSW hit counts when its exact score reaches the k-th exact score; the
    synthetic corpus holds many identical vectors, so ids among equal scores are arbitrary).
    """
    import faiss

    from index import store

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    saved = store.ANN_THRESHOLD
    store.ANN_THRESHOLD = 0
    try:
        t0 = time.perf_counter()
        hnsw = store._vector_index(vectors)
        build_s = time.perf_counter() - t0
    finally:
        store.ANN_THRESHOLD = saved
    kk = min(k, len(vectors))
    exact_ms, ann_ms, by_id, by_score = [], [], [], []
    for q in queries:
        t0 = time.perf_counter()
        es, ei = flat.search(q[None, :], kk)
        t1 = time.perf_counter()
        _, ai = hnsw.search(q[None, :], kk)
        t2 = time.perf_counter()
        exact_ms.append((t1 - t0) * 1000)
        ann_ms.append((t2 - t1) * 1000)
        found = [int(i) for i in ai[0] if i >= 0]
        by_id.append(len(set(found) & {int(i) for i in ei[0]}) / kk)
        kth = float(es[0][-1])
        by_score.append(sum(float(vectors[i] @ q) >= kth - 1e-5 for i in found) / kk)
    return {
        "vectors": len(vectors),
        "recall_at_10_by_id": round(float(np.mean(by_id)), 4),
        "recall_at_10": round(float(np.mean(by_score)), 4),
        "hnsw_build_s": round(build_s, 2),
        "exact_search_p50_ms": round(percentile(exact_ms, 50), 3),
        "hnsw_search_p50_ms": round(percentile(ann_ms, 50), 3),
    }


def ttl_fingerprint(fingerprint: Any, ttl_s: float = 2.0) -> Any:
    """``fingerprint`` re-read at most every ``ttl_s`` s per folder (what-if for qa/engine)."""
    memo: dict[Any, tuple[float, Any]] = {}

    def cached(seeds_dir: Path) -> Any:
        now = time.monotonic()
        hit = memo.get(seeds_dir)
        if hit is None or now - hit[0] > ttl_s:
            hit = memo[seeds_dir] = (now, fingerprint(seeds_dir))
        return hit[1]

    return cached


def what_if(engine: Any, questions: list[str]) -> dict[str, dict[str, float]]:
    """Warm latency again with proposed changes monkeypatched in, one after the other:
    the seed check cached for 2 s, then one-thread query encoding, then quote selection
    looking at the best ``SELECT_TOP`` scored sentences only (bounds the citations)."""
    import importlib

    import torch

    engine_module = importlib.import_module("qa.engine")  # `qa.engine` the attribute is a function

    out: dict[str, dict[str, float]] = {}
    original = engine_module.seeds_fingerprint
    select = engine_module.select_evidence
    threads = torch.get_num_threads()
    try:
        engine_module.seeds_fingerprint = ttl_fingerprint(original)
        labels = ("seed check every 2 s", "… and 1 torch thread",
                  f"… and selection from the top {SELECT_TOP}")
        for label in labels:
            if label == labels[1]:
                torch.set_num_threads(1)
            if label == labels[2]:
                engine_module.select_evidence = lambda ev, *a: select(ev[:SELECT_TOP], *a)
            ms, cites = [], []
            for q in questions:
                t0 = time.perf_counter()
                cites.append(len(engine.answer(q).citations))
                ms.append((time.perf_counter() - t0) * 1000)
            out[label] = {**latency_summary(ms), "citations_max": max(cites)}
    finally:
        engine_module.seeds_fingerprint = original
        engine_module.select_evidence = select
        torch.set_num_threads(threads)
    return out


def _phases(events: list[tuple[float, str]], end: float) -> list[tuple[str, float]]:
    """(message, seconds until the next message) for every build progress message."""
    out = []
    for i, (t, msg) in enumerate(events):
        nxt = events[i + 1][0] if i + 1 < len(events) else end
        out.append((msg[:60], round(nxt - t, 2)))
    return out


def run_point(n: int, mode: str, work: Path, n_questions: int = 50, recall: bool = True,
              profile: bool = False, whatif: bool = False) -> dict[str, Any]:
    """Build, load and query one corpus size; return every figure as a dict."""
    from bench.synthetic import generate
    from index.embed import minilm, use
    from index.settings import ROOT, IndexSettings
    from index.store import build
    from qa.engine import Engine
    from qa.settings import Settings

    out: dict[str, Any] = {"n": n, "mode": mode}
    work.mkdir(parents=True, exist_ok=True)
    if n == 1:
        seeds = ROOT / "seeds"
    else:
        seeds = work / "seeds"
        t0 = time.perf_counter()
        generate(n, seeds)
        out["generate_s"] = round(time.perf_counter() - t0, 2)
        say(f"{n} synthetic articles written in {out['generate_s']} s")
    t0 = time.perf_counter()
    m, u = minilm(), use()
    m.encode(["warm up"])
    u.encode(["warm up"])
    out["model_load_s"] = round(time.perf_counter() - t0, 2)
    emb: Any = m
    use_emb: Any = u
    if mode in {"cached", "approx"}:
        emb, use_emb = CachingEmbedder(m), CachingEmbedder(u)
        if mode == "approx":
            emb = SentenceMeanEmbedder(emb)
    settings = IndexSettings.from_env(seeds_dir=seeds, index_dir=work / "index")
    events: list[tuple[float, str]] = []

    def progress(msg: str) -> None:
        events.append((time.perf_counter(), msg))
        say(f"build: {msg}")

    t0 = time.perf_counter()
    manifest = build(settings, progress, emb, use_emb)
    build_s = time.perf_counter() - t0
    counts = manifest["counts"]
    out.update(
        build_s=round(build_s, 2),
        articles=counts["articles"],
        sentences=counts["sentences"],
        chunks=counts["chunks"],
        articles_per_s=round(counts["articles"] / build_s, 2),
        sentences_per_s=round(counts["sentences"] / build_s, 1),
        phases=_phases(events, t0 + build_s),
        index_mb=round(dir_size_mb(settings.index_dir), 2),
    )
    if isinstance(emb, SentenceMeanEmbedder):
        out["approximated_texts"] = emb.approximated
        emb = emb.inner
    if isinstance(emb, CachingEmbedder):
        out["minilm_texts"] = {"asked": emb.calls, "embedded": emb.embedded}
        out["use_texts"] = {"asked": use_emb.calls, "embedded": use_emb.embedded}
        emb.cache.clear()
        use_emb.cache.clear()
    say(f"built in {build_s:.1f} s: {counts}")

    engine = Engine(Settings(index=settings), embedder=m, use_embedder=u)
    t0 = time.perf_counter()
    engine.warm_up()
    out["engine_load_s"] = round(time.perf_counter() - t0, 2)
    out["rss_loaded_mb"] = round(rss_mb(), 1)
    questions = spread(load_questions(QUESTIONS_FILE), n_questions)
    for q in questions[:3]:
        engine.answer(q)
    ms: list[float] = []
    stages: dict[str, list[float]] = {}
    refused = 0
    for q in questions:
        t0 = time.perf_counter()
        a = engine.answer(q)
        ms.append((time.perf_counter() - t0) * 1000)
        refused += a.refused
        for key, value in a.timings_ms.items():
            stages.setdefault(key, []).append(value)
    out["latency"] = latency_summary(ms)
    out["stage_p50_ms"] = {k: round(percentile(v, 50), 2) for k, v in stages.items()}
    out["refused"] = refused
    citations = [len(engine.answer(q).citations) for q in questions]
    out["citations_max"] = max(citations)
    out["citations_p50"] = percentile(citations, 50)
    if whatif:
        say("what-if: latency with the proposed qa/engine changes patched in")
        out["what_if"] = what_if(engine, questions)
    if profile:  # a separate pass, so the profiler's overhead stays out of the latencies
        profiler = cProfile.Profile()
        profiler.enable()
        for q in questions:
            engine.answer(q)
        profiler.disable()
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(12)
        out["profile"] = trim(buf.getvalue())
    if recall:
        store = engine.corpus().store
        english = [q for q in questions if not re.search("[А-Яа-я]", q)]
        qv = m.encode(english)
        chunk_vecs = store.chunk_index.reconstruct_n(0, store.chunk_index.ntotal)
        say("measuring HNSW recall@10 on chunk and sentence vectors")
        out["hnsw_chunks"] = hnsw_recall(chunk_vecs, qv)
        out["hnsw_sentences"] = hnsw_recall(store.sentence_vectors, qv)
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return out


def main(argv: list[str] | None = None) -> int:
    """CLI for one scale point; prints progress lines then one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("n", type=int, help="articles (1 = the five seeds)")
    parser.add_argument("--mode", choices=["uncached", "cached", "approx"], default="uncached")
    parser.add_argument("--work", type=Path, required=True, help="scratch folder")
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--no-recall", action="store_true", help="skip the HNSW recall check")
    parser.add_argument("--profile", action="store_true", help="cProfile the warm questions")
    parser.add_argument("--what-if", action="store_true",
                        help="also time the questions with proposed engine changes patched in")
    args = parser.parse_args(argv)
    result = run_point(args.n, args.mode, args.work, args.questions, not args.no_recall,
                       args.profile, args.what_if)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
