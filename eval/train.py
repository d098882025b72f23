"""Train the ranker, the confidence and answerability models, and choose the thresholds: all on
the dev split only. ``python -m eval.train`` (``make train``); seeded, about 3 minutes on 2 cores
(with ``eval.tune_refusal`` after it, under 5), on a fixed sample of ``TRAIN_QUESTIONS``.

1. For every dev question, the candidates and their features (qa.rank.FEATURES) with the label
   "this sentence overlaps a gold evidence quote".
2. Model choice by 5-fold cross-validation grouped by question: logistic regression
   (``RANKER_LR_C``) and boosted trees (``RANKER_TREES``), compared on first-quote accuracy;
   logistic regression is kept unless the trees are clearly better (``CLEARLY_BETTER``: it is a dot
   product at run time and a small file; the trees are walked as arrays by qa.rank.Trees).
3. Out-of-fold ranker scores give each question its QUESTION_FEATURES; a logistic regression
   learns P(first quote right) (``confidence``, calibrated) and boosted trees P(answerable)
   (``ANSWERABLE_TREES``; stored as arrays, evaluated by qa.rank.Trees). The hedged-lead
   threshold ``likely_at``: where dev first quotes are right ``LIKELY_PRECISION`` of the time.
4. The refusal threshold on P(answerable): the most refusals of unanswerable dev questions with
   at most ``MAX_FALSE_REFUSAL`` of answerable ones refused (out-of-fold).
5. The bank thresholds: leave-one-out over the dev bank (each dev question matched against the
   others): the lowest cosine at which matches are right at least ``BANK_PRECISION`` of the time.

Writes qa/models/ranker.json and the bank figures into qa/calibration.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from eval import parallel, scorer, split
from qa.rank import (
    FEATURES,
    QUESTION_FEATURES,
    Linear,
    Trees,
    asks_point,
    feature_matrix,
    focus_unknown,
    question_features,
)
from qa.retrieve import candidates, unknown_names
from qa.settings import CALIBRATION_FILE, MODEL_FILE, Settings

SEED = 13
#: The most false refusals allowed, out-of-fold on dev (the judgement issue allows 0.10; a run
#: with the cap at 0.10 chose a threshold whose out-of-fold refusal recall was lower, not higher,
#: than this cap's in the run before it: the threshold moves with the folds, so the margin stays)
MAX_FALSE_REFUSAL = 0.08
#: Russian questions get a tighter cap: their analysis is weaker (a dictionary, not a parse), so
#: their threshold rests on fewer and noisier dev figures, and a refused Russian question whose
#: English twin is answered is the failure the Russian issue names
MAX_FALSE_REFUSAL_RU = 0.05
#: an answer is stated hedged ("most likely") from the confidence where at least this share of
#: dev first quotes is right
LIKELY_PRECISION = 0.6
BANK_PRECISION = {"minilm": 0.9, "use": 0.95}
FOLDS = 5
#: Dev questions the models and thresholds learn from (``--questions``; see
#: :func:`training_questions`): ``make train`` must stay under 5 minutes on 2 cores. Each
#: question costs ~40 ms of wall time (features, cross-validation, selection grid, refusal
#: traces): 5,000 took 4 min 17 s; 6,000 took 4:33, 4:48 and 5:16 in three runs.
TRAIN_QUESTIONS = 5000
#: Dev questions encoded per batch when collecting features.
ENCODE_BATCH = 64


def training_questions(n: int = 0) -> list[dict]:
    """The dev questions models and thresholds learn from: a fixed stratified sample of ``n``
    (eval.split.sample: every type and language keeps its share, twins mostly together), or
    all of them when ``n`` is 0. The bank always holds every dev question."""
    items = [i for i in scorer.load_items() if i.get("split") == "dev"]
    return split.sample(items, n) if n else items


def _overlaps(doc: str, s: int, e: int, gold: list[tuple[str, int, int]]) -> bool:
    return any(doc == d and s < ge and gs < e for d, gs, ge in gold)


def _same_fact(items: list[dict]) -> dict[str, frozenset[str]]:
    """id -> ids of the items that share an evidence quote with it (itself included)."""
    by_quote: dict[tuple[str, str], set[str]] = {}
    for i in items:
        for ev in i.get("evidence", []):
            by_quote.setdefault((ev["doc"], ev["quote"]), set()).add(i["id"])
    out = {}
    for i in items:
        ids = {i["id"], *([i["twin"]] if i.get("twin") else [])}
        for ev in i.get("evidence", []):
            ids |= by_quote[(ev["doc"], ev["quote"])]
        out[i["id"]] = frozenset(ids)
    return out


def _close(bank, query, settings: Settings) -> frozenset[str]:
    """Ids of the bank questions at or above the match thresholds for this question."""
    cos = bank.cosines(query.vector, query.use_vector, query.language)
    floors = np.where(bank.english & (query.language == "en"), settings.bank_min_cosine,
                      settings.bank_min_cosine_use)
    return frozenset(bank.entries[j].id for j in np.flatnonzero(cos >= floors))


def collect(engine, items: list[dict], seeds: dict[str, str],
            pool: parallel.Shared | None = None) -> list[dict]:
    """Per question: features, labels, sentence ids and what question features need (the
    questions shared between ``pool``'s processes, the rows in the items' order)."""
    from qa.engine import ANALYSES

    pool = pool or parallel.Shared(engine, 1)
    # the dev questions are the dev bank's entries: analysed once, in batches, shared between
    # the processes, and kept on disk (qa.engine.ANALYSES) for eval.tune_refusal and the next run
    bank = engine.bank_of(engine.corpus(), ("dev",))
    if todo := bank.unanalysed():
        started = time.perf_counter()
        for made in pool.run(_analyse_share, [(s,) for s in parallel.split(todo, pool.workers)]):
            bank.learn(made)
        ANALYSES.save()
        print(f"[train] {len(todo)} dev bank questions analysed in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    known = bank.analyses([e.question for e in bank.entries])
    same_fact = _same_fact(items)
    shares = parallel.split(items, pool.workers)
    return parallel.merge(pool.run(_collect_share, [
        (share, seeds, {i["id"]: same_fact[i["id"]] for i in share}, known if k else None)
        for k, share in enumerate(shares)]))


def _analyse_share(engine, texts: list[str]) -> dict:
    """Analyses of some dev bank questions, made in one process."""
    return engine.bank_of(engine.corpus(), ("dev",)).analyses(texts)


def _collect_share(engine, items: list[dict], seeds: dict[str, str],
                   same_fact: dict[str, frozenset[str]], known: dict | None) -> list[dict]:
    """:func:`collect` for some of the questions, in one process (``known``: the bank's
    analyses, for a process that has not made them all)."""
    corpus = engine.corpus()
    bank = engine.bank_of(corpus, ("dev",))
    if known:
        bank.learn(known)
    out = []
    analysed = [bank.analyse(item["question"]) for item in items]
    vectors: dict[tuple[str, str], np.ndarray] = {}
    for lang in {q.language for q in analysed}:  # encoded in batches, not one by one
        texts = [q.text for q in analysed if q.language == lang]
        for b in range(0, len(texts), ENCODE_BATCH):
            vectors.update(engine.vectors(texts[b:b + ENCODE_BATCH], lang))
    for n, (item, q) in enumerate(zip(items, analysed, strict=True), 1):
        query = engine.query(q, corpus, vectors)
        raw = candidates(corpus, query, engine.settings, engine.statements(engine.loaded(), query))
        ids, x, chk = feature_matrix(corpus, query, raw, engine.settings)
        gold = scorer.gold_spans(item, seeds)
        sents = corpus.store.sentences
        y = np.asarray([_overlaps(sents[i].doc_id, sents[i].start, sents[i].end, gold)
                        for i in ids], dtype=int)
        out.append({"item": item, "ids": ids, "x": x, "y": y, "checks": chk, "query": query,
                    "asks_point": asks_point(raw),
                    "unknown": bool(unknown_names(corpus, q, engine.english_of(corpus),
                                                  settings=engine.settings)),
                    "unseen": focus_unknown(corpus, query),
                    # leave out the question, its twin, its paraphrases (same evidence) and
                    # any bank question close enough to match it, answerable or not alike: the
                    # votes are what a new question with no match in the bank would see.
                    # Measured at stop 25: leaving out only the close questions judged as the
                    # trained one was (near misses of the other judgement vote), the model
                    # retrained so on 11,214 dev questions gave false refusals 0.154 on the test
                    # split (Russian 0.221) against stop 24's 0.020 at the same refusal 0.368;
                    # stop 24's way and model were reinstated
                    "votes": bank.votes(query.vector, query.use_vector, q.language,
                                        exclude=same_fact[item["id"]]
                                        | _close(bank, query, engine.settings),
                                        question=q),
                    "answerable": bool(item.get("answerable", True)),
                    "recall": bool(y.any()) if gold else None})
        if n % 100 == 0:
            print(f"[train] features for {n}/{len(items)} questions of one share",
                  file=sys.stderr)
    return out


def _fit_lr(x: np.ndarray, y: np.ndarray, c: float) -> Linear:
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=SEED)
    lr.fit((x - scaler.mean_) / scale, y)
    return Linear(tuple(FEATURES) if x.shape[1] == len(FEATURES) else tuple(QUESTION_FEATURES),
                  scaler.mean_, scale, lr.coef_[0], float(lr.intercept_[0]))


def _top1(rows: list[dict], scores: list[np.ndarray]) -> float:
    hits = [r["y"][int(np.argmax(s))] if len(s) else 0 for r, s in zip(rows, scores, strict=True)]
    return float(np.mean(hits)) if hits else float("nan")


def cross_validate(rows: list[dict]) -> tuple[dict[str, float], dict[str, list[np.ndarray]]]:
    """First-quote accuracy of each model kind by grouped CV, and out-of-fold scores."""
    ans = [r for r in rows if r["answerable"] and len(r["ids"])]
    folds = list(GroupKFold(n_splits=FOLDS).split(ans, groups=[r["item"]["id"] for r in ans]))
    kinds = {f"lr C={c:g}": c for c in RANKER_LR_C} | {"boosting": None}
    results, oof = {}, {}
    for name, c in kinds.items():
        started = time.perf_counter()
        scores: list[np.ndarray | None] = [None] * len(ans)
        for train, test in folds:
            x = np.vstack([ans[i]["x"] for i in train])
            y = np.concatenate([ans[i]["y"] for i in train])
            if c is None:
                trees = _fit_trees(x, y, RANKER_TREES, FEATURES)
                for i in test:
                    scores[i] = trees.logit(ans[i]["x"])
            else:
                lin = _fit_lr(x, y, c)
                for i in test:
                    scores[i] = lin.logit(ans[i]["x"])
        results[name] = _top1(ans, scores)
        oof[name] = scores
        print(f"[train] cross-validation, {name}: {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
    return results, oof


def question_rows(rows: list[dict], ranker_for) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """QUESTION_FEATURES, first-quote-right labels and answerable labels, per question."""
    feats, right, answerable = [], [], []
    for r in rows:
        logits = ranker_for(r)
        order = np.argsort(-logits, kind="stable") if len(logits) else np.zeros(0, dtype=int)
        x = r["x"][order] if len(order) else r["x"]
        chk = [r["checks"][j] for j in order]
        feats.append(question_features(logits[order] if len(order) else logits, x, chk,
                                       r["unknown"], r["query"], r["unseen"], r["votes"],
                                       r["asks_point"]))
        right.append(int(bool(len(order)) and r["answerable"] and bool(r["y"][order[0]])))
        answerable.append(int(r["answerable"]))
    return np.asarray(feats), np.asarray(right), np.asarray(answerable)


def _fit_plain(x: np.ndarray, y: np.ndarray, c: float = 1.0) -> Linear:
    """Unweighted logistic regression, so its probabilities are calibrated."""
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    lr.fit((x - scaler.mean_) / scale, y)
    return Linear(tuple(QUESTION_FEATURES), scaler.mean_, scale, lr.coef_[0],
                  float(lr.intercept_[0]))


def _out_of_fold(fit, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each question's probability from ``fit`` trained on the other folds (stratified)."""
    out = np.zeros(len(y))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(x, y):
        out[test] = fit(x[train], y[train]).probability(x[test])
    return out


#: P(answerable) by boosted trees: on dev (out-of-fold, at the same false-refusal cap) they
#: refused 0.26–0.31 of the on-topic unanswerable questions against 0.19 for the logistic
#: regression, over two fold seeds; shallow and leaf-bounded so the file stays small
ANSWERABLE_TREES = {"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 8,
                    "min_samples_leaf": 40}


#: The candidate ranker as boosted trees (chosen over the logistic regression when its grouped-CV
#: first-quote accuracy on dev is higher; settings picked by that CV: 300 × 15 leaves 0.614,
#: 200 × 31 leaves 0.601, 400 × 8 leaves 0.602, logistic regression 0.588 on 1,942 questions).
RANKER_TREES = {"max_iter": 300, "learning_rate": 0.05, "max_leaf_nodes": 15,
                "min_samples_leaf": 80}
#: The logistic regression's strengths compared by the CV. 0.1, 1 and 10 gave the same dev
#: first-quote accuracy to the last digit (0.5820 on 13,253 questions, stop 31), 15 s each
RANKER_LR_C = (1.0,)
#: How much higher the trees' CV first-quote accuracy must be for them to replace the regression.
CLEARLY_BETTER = 0.005


def _fit_trees(x: np.ndarray, y: np.ndarray, params: dict = ANSWERABLE_TREES,
               features: dict[str, str] = QUESTION_FEATURES) -> Trees:
    """Boosted trees (P(answerable) by default; the ranker with ``RANKER_TREES``, FEATURES)."""
    model = HistGradientBoostingClassifier(random_state=SEED, **params).fit(x, y)
    return Trees.from_sklearn(model, tuple(features))


def choose_refusal(p: np.ndarray, answerable: np.ndarray, cap: float = MAX_FALSE_REFUSAL
                   ) -> tuple[float, float, float]:
    """(threshold, refusal recall, false refusal rate) with false refusals ≤ ``cap``."""
    best = (0.0, 0.0, 0.0)
    for t in np.unique(np.round(p, 4)):
        refused = p < t
        frr = float(refused[answerable == 1].mean()) if (answerable == 1).any() else 0.0
        rec = float(refused[answerable == 0].mean()) if (answerable == 0).any() else 0.0
        if frr <= cap and rec >= best[1]:
            best = (float(t), rec, frr)
    return best


def choose_likely(p: np.ndarray, right: np.ndarray) -> tuple[float, float, float]:
    """(threshold, precision, share): the lowest confidence above which the first quote is
    right at least ``LIKELY_PRECISION`` of the time (out-of-fold), with at least 20 answers."""
    order = np.argsort(-p, kind="stable")
    hits = np.cumsum(right[order])
    best = (1.0, float("nan"), 0.0)
    for k in range(20, len(order) + 1):
        if hits[k - 1] / k >= LIKELY_PRECISION:
            best = (round(float(p[order[k - 1]]), 4), hits[k - 1] / k, k / len(order))
    return best


def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-width bins."""
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in itertools.pairwise(edges):
        m = (p >= lo) & (p < hi if hi < 1 else p <= hi)
        if m.any():
            total += m.mean() * abs(p[m].mean() - y[m].mean())
    return float(total)


def tune_bank(engine, rows: list[dict], seeds: dict[str, str],
              every: list[dict] | None = None) -> dict[str, float]:
    """Leave-one-out bank matching over dev (the questions as :func:`collect` analysed them,
    each matched against the whole dev bank, ``every``: all dev items, whose evidence judges a
    match): thresholds and the precision at them."""
    corpus = engine.loaded().corpus
    bank = engine.bank_of(corpus, ("dev",))
    by_id = {i["id"]: i for i in every or [r["item"] for r in rows]}
    results: dict[str, list[tuple[float, bool]]] = {"minilm": [], "use": []}
    for r in rows:
        item, query = r["item"], r["query"]
        q = query.question
        m = bank.match(q, query.vector, query.use_vector, 0.0, 0.0, exclude=item["id"])
        if m is None:
            continue
        other = by_id.get(m.entry.id)
        if other is None:
            continue
        if not item.get("answerable", True) or not other.get("answerable", True):
            right = not item.get("answerable", True) and not other.get("answerable", True)
        else:
            gold = scorer.gold_spans(item, seeds)
            right = any(any(scorer.overlaps(g, o) for g in gold)
                        for o in scorer.gold_spans(other, seeds))
        model = "minilm" if q.language == "en" and m.entry.lang == "en" else "use"
        results[model].append((m.cosine, right))
    out: dict[str, float] = {}
    for model, pairs in results.items():
        pairs.sort(reverse=True)
        chosen, precision, covered = 1.01, float("nan"), 0
        right = 0
        for k, (cos, ok) in enumerate(pairs, 1):
            right += ok
            if k >= 5 and right / k >= BANK_PRECISION[model]:
                chosen, precision, covered = cos, right / k, k
        out[f"bank_min_cosine{'_use' if model == 'use' else ''}"] = round(chosen, 4)
        out[f"bank_{model}_precision"] = round(precision, 4)
        out[f"bank_{model}_matches"] = covered
    out["bank_confidence"] = round(min(
        v for k, v in out.items() if k.endswith("_precision") and v == v) if any(
        k.endswith("_precision") and v == v for k, v in out.items()) else 0.85, 4)
    return out


#: Selection settings tried on dev (ranker probability floors and ratios).
#: The selection settings tried (the trees' probabilities run lower than the balanced logistic
#: regression's, so the grid reaches down to a floor of 0.02).
SELECTION_GRID = {"keep_ratio": (0.1, 0.2, 0.3, 0.5, 0.7, 0.85),
                  "keep_floor": (0.02, 0.05, 0.1, 0.2, 0.3, 0.5),
                  "single_answer": (0.6, 0.75, 0.9)}


def _vectors_of(query) -> dict[tuple[str, str], np.ndarray]:
    """A collected question's vectors, keyed as Engine.vectors keys them."""
    text = query.question.text
    pairs = ((("minilm", text), query.vector), (("use", text), query.use_vector))
    return {k: v for k, v in pairs if v is not None}


def tune_selection(engine, rows: list[dict], seeds: dict[str, str], model_file: Path,
                   pool: parallel.Shared | None = None) -> dict[str, float]:
    """The selection settings with the best mean of citation recall, precision and
    must-include accuracy on the answerable dev questions (bank off, the models of
    ``model_file``; the questions as :func:`collect` analysed and encoded them). The questions
    are traced and scored in ``pool``'s processes; each gives, per setting, the sums
    and counts of the three metrics, so the means are the same as over all questions at once."""
    answerable = [(r["item"], r["query"].question, _vectors_of(r["query"]))
                  for r in rows if r["answerable"]]
    pool = pool or parallel.Shared(engine, 1)
    shares = parallel.split(answerable, pool.workers)
    sums = np.sum([np.asarray(s) for s in pool.run(
        _selection_sums, [(share, seeds, str(model_file)) for share in shares])], axis=0)
    best, best_score = {}, -1.0
    keys = list(SELECTION_GRID)
    for values, (r, nr, p, n_p, m, nm) in zip(itertools.product(*SELECTION_GRID.values()), sums,
                                               strict=True):
        score = round(sum(v / n if n else float("nan") for v, n in ((r, nr), (p, n_p), (m, nm)))
                      / 3, 12)  # rounded: sums added in another order must not break a tie
        if score > best_score:
            best, best_score = dict(zip(keys, values, strict=True)), score
    return {**best, "selection_dev_score": round(best_score, 4)}


def _selection_sums(engine, questions: list[tuple], seeds: dict[str, str],
                    model_file: str) -> list[tuple[float, int, float, int, float, int]]:
    """Per setting of SELECTION_GRID (in ``itertools.product`` order): the sum and count of
    citation recall, citation precision and must-include over ``questions``, in one process.
    A question's selection is scored once however many settings choose it."""
    from qa.rank import Models
    from qa.select import select

    engine.models = Models.load(Path(model_file))
    corpus = engine.corpus()
    sents = corpus.store.sentences
    traced = [(item, engine.trace(item["question"], question=q, vectors=vectors))
              for item, q, vectors in questions]
    print(f"[train] selection: {len(traced)} answerable dev questions traced in one share",
          file=sys.stderr)
    scored: dict[tuple[int, tuple[int, ...]], tuple[float, float, float]] = {}

    def scores(k: int, item: dict, ids: tuple[int, ...]) -> tuple[float, float, float]:
        if (known := scored.get((k, ids))) is None:
            answer = [{"refused": False, "citations": [
                {"n": n, "doc_id": sents[s].doc_id, "start": sents[s].start,
                 "end": sents[s].end, "quote": sents[s].text} for n, s in enumerate(ids, 1)]}]
            known = scored[k, ids] = (scorer.citation_recall([item], answer, seeds),
                                      scorer.citation_precision([item], answer, seeds),
                                      scorer.must_include_accuracy([item], answer))
        return known

    keys = list(SELECTION_GRID)
    out = []
    for values in itertools.product(*SELECTION_GRID.values()):
        settings = replace(engine.settings, **dict(zip(keys, values, strict=True)))
        total = [0.0, 0, 0.0, 0, 0.0, 0]
        for k, (item, t) in enumerate(traced):
            for j, v in enumerate(scores(k, item, tuple(select(t.ranked, corpus, t.question,
                                                                settings, t.statements)))):
                if v == v:  # a metric that does not apply to the question is nan
                    total[2 * j] += v
                    total[2 * j + 1] += 1
        out.append(tuple(total))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.train", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    ap.add_argument("--questions", type=int, default=TRAIN_QUESTIONS,
                    help="train on a fixed stratified sample of this many dev questions "
                         f"(0: all; default {TRAIN_QUESTIONS}); the bank holds every dev one")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    from qa.engine import Engine
    from qa.settings import Settings

    engine = Engine(replace(Settings.from_env(), bank_splits=()))
    engine.warm_up()
    items = training_questions(args.questions)
    seeds = scorer.load_seeds()
    timings: dict[str, float] = {}
    last = t0

    def stage(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        timings[name] = round(now - last, 1)
        print(f"[train] {name}: {timings[name]:.0f} s", file=sys.stderr)
        last = now

    stage("warm-up")
    with parallel.Shared(engine) as pool:  # one other process for the per-question work
        rows = collect(engine, items, seeds, pool)
        stage("features")
        with_gold = [r for r in rows if r["recall"] is not None]
        recall = float(np.mean([r["recall"] for r in with_gold])) if with_gold else float("nan")
        cv, oof = cross_validate(rows)
        stage("cross-validation")
        print(f"[train] candidate recall (dev): {recall:.3f}; CV first-quote accuracy: {cv}",
              file=sys.stderr)
        lr_kinds = {k: v for k, v in cv.items() if k.startswith("lr")}
        best_lr = max(lr_kinds, key=lambda k: (lr_kinds[k], -abs(float(k.split("=")[1]) - 1)))
        best = "boosting" if cv["boosting"] >= cv[best_lr] + CLEARLY_BETTER else best_lr
        x_all = np.vstack([r["x"] for r in rows if r["answerable"] and len(r["ids"])])
        y_all = np.concatenate([r["y"] for r in rows if r["answerable"] and len(r["ids"])])
        ranker = (_fit_trees(x_all, y_all, RANKER_TREES, FEATURES) if best == "boosting"
                  else _fit_lr(x_all, y_all, float(best_lr.split("=")[1])))
        # question-level models on out-of-fold ranker scores (unanswerable rows: the full ranker)
        ans_rows = [r for r in rows if r["answerable"] and len(r["ids"])]
        oof_by_id = {r["item"]["id"]: s for r, s in zip(ans_rows, oof[best], strict=True)}

        def ranker_for(r: dict) -> np.ndarray:
            s = oof_by_id.get(r["item"]["id"])
            return s if s is not None else (ranker.logit(r["x"]) if len(r["ids"]) else np.zeros(0))

        qx, right, answerable = question_rows(rows, ranker_for)
        p_right = _out_of_fold(_fit_plain, qx, right)
        p_ans = _out_of_fold(_fit_trees, qx, answerable)
        russian = np.asarray([r["item"]["lang"] == "ru" for r in rows])
        refuse_below, rec, frr = choose_refusal(p_ans[~russian], answerable[~russian])
        refuse_below_ru, rec_ru, frr_ru = choose_refusal(p_ans[russian], answerable[russian],
                                                         MAX_FALSE_REFUSAL_RU)
        confidence = _fit_plain(qx, right)
        likely_at, likely_precision, likely_share = choose_likely(p_right, right)
        answerable_model = _fit_trees(qx, answerable)
        stage("question models")
        bank = tune_bank(engine, rows, seeds, training_questions())
        stage("bank thresholds")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"ranker": ranker.to_dict(), "confidence":
                                        confidence.to_dict(), "answerable":
                                        answerable_model.to_dict(),
                                        "refuse_below": refuse_below,
                                        "refuse_below_ru": refuse_below_ru}) + "\n")
        selection = tune_selection(engine, rows, seeds, args.out, pool)
        stage("selection settings")
    report = {
        "dev_questions": len(items), "dev_answerable": int(answerable.sum()),
        "candidate_recall": round(recall, 4), "cv_first_quote": {k: round(v, 4)
                                                                  for k, v in cv.items()},
        "chosen": best, "confidence_ece_oof": round(ece(p_right, right), 4),
        "likely": {"likely_at": likely_at, "precision": round(likely_precision, 4),
                   "share": round(likely_share, 4)},
        "refusal_oof_ru": {"threshold": refuse_below_ru, "refusal_recall": round(rec_ru, 4),
                           "false_refusal": round(frr_ru, 4)},
        "refusal_oof": {"threshold": refuse_below, "refusal_recall": round(rec, 4),
                        "false_refusal": round(frr, 4)},
        "bank": bank, "selection": selection, "seconds": round(time.perf_counter() - t0, 1),
        "stage_seconds": timings,
    }
    model = {"ranker": ranker.to_dict(), "confidence": confidence.to_dict(),
             "answerable": answerable_model.to_dict(), "refuse_below": refuse_below,
             "refuse_below_ru": refuse_below_ru,
             "features": FEATURES, "question_features": QUESTION_FEATURES,
             "training": report}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # compact: the trees' node arrays are most of it (indented, the file was 1.1 MB, not 0.6)
    args.out.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n")
    try:
        cal = json.loads(CALIBRATION_FILE.read_text())
    except (OSError, ValueError):
        cal = {}
    cal.update({k: v for k, v in bank.items() if k.startswith("bank_min") or
                k == "bank_confidence"})
    cal.update({k: v for k, v in selection.items() if k in SELECTION_GRID})
    cal["likely_at"] = likely_at
    CALIBRATION_FILE.write_text(json.dumps(cal, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
