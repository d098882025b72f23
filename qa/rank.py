"""The learned ranker and the question-level models: documented features, a JSON model file.

:data:`FEATURES` are computed for every candidate sentence (:func:`feature_matrix`); a logistic
regression trained on the dev split (``make train``, eval/train.py) turns them into the
probability that the sentence answers the question. :data:`QUESTION_FEATURES` summarise the
ranked list; two more logistic regressions turn them into ``confidence`` (the calibrated
probability that the first quote answers) and the probability that the articles answer the
question at all (refusal). Inference is a dot product; the model file is small and committed.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from qa.retrieve import Checks, Corpus, Query, checks, constraint_keys
from qa.settings import Settings

#: Candidate features, in model order: name -> what it measures.
FEATURES: dict[str, str] = {
    "dense": "MiniLM cosine of question and sentence (USE cosine for Russian questions)",
    "dense_gap": "best candidate's dense cosine minus this one's",
    "dense_rr": "1 / rank in the dense list (0 when absent)",
    "use": "multilingual USE cosine",
    "use_gap": "best USE cosine minus this one's",
    "bm25": "BM25 score over the best candidate's",
    "bm25_rr": "1 / rank in the BM25 sentence list (0 when absent)",
    "chunk": "1 / rank of the best retrieved chunk holding the sentence (0 when none)",
    "focus": "idf-weighted share of the focus lemmas in the sentence",
    "focus_para": "the same over the sentence's paragraph",
    "constraints": "share of the question's names, dates and numbers in the sentence",
    "constraints_para": "the same in its paragraph",
    "source": "1 when the question names no outlet or the sentence is from a named one",
    "value": "1 when the sentence holds a value of the asked type not given in the question",
    "value_needed": "1 when the question asks for a value (or a cause)",
    "value_x_needed": "value × value_needed",
    "figure": "1 when it names what a count question counts",
    "figure_x_value": "figure × value",
    "value_near": "1 when that value stands within a few words of a focus word",
    "log_len": "log of the sentence length in characters",
    "quotation": "1 when the sentence opens with a quotation mark",
    "russian": "1 for a Russian question",
}
#: Question-level features for confidence and answerability.
QUESTION_FEATURES: dict[str, str] = {
    "top": "ranker log-odds of the first candidate",
    "margin": "its log-odds minus the second's",
    "top_constraints": "constraints met in the first candidate's paragraph",
    "best_constraints": "most constraints met by any of the top 10 candidates' paragraphs",
    "top_focus": "focus coverage of the first candidate's paragraph",
    "top_value": "the first candidate holds a value of the asked type",
    "any_value": "any of the top 10 with focus coverage ≥ 0.5 holds such a value",
    "value_needed": "the question asks for a value (or a cause)",
    "unknown_name": "the question names something the articles never mention",
    "russian": "1 for a Russian question",
    "dense_top": "best dense cosine among the candidates",
    "focus_unknown": "idf-weighted share of the focus lemmas that occur nowhere in the articles",
    "best_joint": "best of the top 10: paragraph focus × constraints met × (value if needed)",
    "best_joint_sentence": "the same within the sentence alone",
    "any_value_near": "any of the top 10 holds the asked value next to a focus word",
    "asks_point": "the question asks for a figure the sources' claims report (a found point)",
    "bank_unanswerable": "share of unanswerable questions among the nearest verified ones",
}
_QUOTES = "“\"«‘'"


@dataclass(frozen=True)
class Ranked:
    """Candidates of one question, best first, with their features and probabilities."""

    ids: tuple[int, ...]  #: sentence ids, best first
    features: np.ndarray  #: rows aligned with ids, columns in FEATURES order
    checks: tuple[Checks, ...]
    probability: np.ndarray  #: P(sentence answers), aligned with ids
    question_features: np.ndarray  #: QUESTION_FEATURES order


def feature_matrix(corpus: Corpus, query: Query, raw: dict[int, dict[str, float]],
                   settings: Settings | None = None
                   ) -> tuple[list[int], np.ndarray, list[Checks]]:
    """Features of every candidate (rows in sentence-id order); ``settings`` for the checks'
    thresholds (defaults without)."""
    q = query.question
    ids = sorted(raw)
    cons = constraint_keys(corpus, q, settings=settings)
    russian = q.language == "ru"
    best_dense = max((r.get("dense", 0.0) for r in raw.values()), default=0.0)
    best_use = max((r.get("use", 0.0) for r in raw.values()), default=0.0)
    best_bm25 = max((r.get("bm25", 0.0) for r in raw.values()), default=0.0) or 1.0
    needed = float(q.asks_value or q.answer_type == "cause")
    rows, all_checks = [], []
    for i in ids:
        r = raw[i]
        c = checks(corpus, q, i, cons, query.focus, settings=settings)
        text = corpus.store.sentences[i].text
        dense = r.get("use", 0.0) if russian else r.get("dense", 0.0)
        top = best_use if russian else best_dense
        rows.append([
            dense, top - dense, 1.0 / r["dense_rank"] if "dense_rank" in r else 0.0,
            r.get("use", 0.0), best_use - r.get("use", 0.0),
            r.get("bm25", 0.0) / best_bm25, 1.0 / r["bm25_rank"] if "bm25_rank" in r else 0.0,
            r.get("chunk", 0.0),
            c.focus, c.focus_para, c.constraints, c.constraints_para, c.source,
            c.value, needed, c.value * needed, c.figure, c.figure * c.value, c.value_near,
            math.log(max(len(text), 1)), float(text[:1] in _QUOTES), float(russian),
        ])
        all_checks.append(c)
    return ids, np.asarray(rows, dtype=np.float64).reshape(len(ids), len(FEATURES)), all_checks


@dataclass(frozen=True)
class Linear:
    """A standardised logistic regression: P = sigmoid(((x - mean) / scale) · coef + b)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def __post_init__(self) -> None:
        n = len(self.features)
        if not (len(self.mean) == len(self.scale) == len(self.coef) == n):
            raise ValueError("model vectors do not match its feature list")

    def logit(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(x)))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "coef": self.coef.tolist(),
                "intercept": self.intercept}

    @classmethod
    def from_dict(cls, d: dict) -> Linear:
        return cls(tuple(d["features"]), np.asarray(d["mean"]), np.asarray(d["scale"]),
                   np.asarray(d["coef"]), float(d["intercept"]))


#: Up to this many rows, :class:`Trees` walk in plain Python (a question's row); more (a
#: question's candidates) walk all trees at once in numpy.
_WALK_ROWS = 4


@dataclass(frozen=True)
class Trees:
    """Boosted decision trees (trained with scikit-learn's HistGradientBoostingClassifier,
    stored as plain arrays): P = sigmoid(baseline + Σ leaf value of each tree)."""

    features: tuple[str, ...]
    baseline: float
    #: per tree: feature index, threshold, left child, right child, leaf value, is-leaf,
    #: missing-goes-left (node arrays of equal length; node 0 is the root)
    trees: tuple[dict[str, np.ndarray], ...]

    _KEYS = ("feature", "threshold", "left", "right", "value", "leaf", "missing_left")

    def __post_init__(self) -> None:
        for tree in self.trees:
            if {len(tree[k]) for k in self._KEYS} != {len(tree["feature"])}:
                raise ValueError("tree node arrays differ in length")

    @cached_property
    def _walk(self) -> tuple[tuple[list, ...], ...]:
        """The node arrays as Python lists: walking a few nodes of 200 small trees for one
        question is ~100× faster in plain Python than in numpy (measured: 0.08 vs 11 ms)."""
        return tuple(tuple(t[k].tolist() for k in self._KEYS) for t in self.trees)

    @cached_property
    def _flat(self) -> tuple[np.ndarray, ...]:
        """The node arrays of every tree end to end (child indices made global), for walking
        many rows through all trees at once (the ranker scores ~100 candidates a question)."""
        offsets = np.cumsum([0] + [len(t["feature"]) for t in self.trees])[:-1]
        out = []
        for k in self._KEYS:
            parts = [t[k] + off if k in ("left", "right") else t[k]
                     for t, off in zip(self.trees, offsets, strict=True)]
            out.append(np.concatenate(parts))
        return (offsets, *out)

    def logit(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(np.asarray(x, dtype=float))
        if len(x) > _WALK_ROWS:
            return self._logit_many(x)
        rows = x.tolist()
        out = []
        for row in rows:
            total = self.baseline
            for feature, threshold, left, right, value, leaf, missing_left in self._walk:
                n = 0
                while not leaf[n]:
                    v = row[feature[n]]
                    go_left = missing_left[n] if v != v else v <= threshold[n]  # NaN: missing
                    n = left[n] if go_left else right[n]
                total += value[n]
            out.append(total)
        return np.asarray(out)

    def _logit_many(self, x: np.ndarray) -> np.ndarray:
        """:meth:`logit` for many rows: every (row, tree) pair not yet at a leaf steps down
        one level at a time, on flat 1-D arrays."""
        offsets, feature, threshold, left, right, value, leaf, missing_left = self._flat
        n_trees = len(offsets)
        node = np.tile(offsets, len(x))  # pair (row r, tree t) at index r * n_trees + t
        col = np.repeat(np.arange(len(x)) * x.shape[1], n_trees)
        flat_x = x.ravel()
        live = np.flatnonzero(~leaf.take(node))
        while len(live):
            at = node.take(live)
            v = flat_x.take(col.take(live) + feature.take(at))
            go_left = np.where(np.isnan(v), missing_left.take(at), v <= threshold.take(at))
            nxt = np.where(go_left, left.take(at), right.take(at))
            node[live] = nxt
            live = live[~leaf.take(nxt)]
        return self.baseline + value.take(node).reshape(len(x), n_trees).sum(axis=1)

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(x)))

    def to_dict(self) -> dict:
        return {"kind": "trees", "features": list(self.features), "baseline": self.baseline,
                "trees": [{k: t[k].tolist() for k in self._KEYS} for t in self.trees]}

    @classmethod
    def from_dict(cls, d: dict) -> Trees:
        types = {"feature": int, "left": int, "right": int, "leaf": bool, "missing_left": bool}
        return cls(tuple(d["features"]), float(d["baseline"]), tuple(
            {k: np.asarray(t[k], dtype=types.get(k, float)) for k in cls._KEYS}
            for t in d["trees"]))

    @classmethod
    def from_sklearn(cls, model, features: tuple[str, ...]) -> Trees:
        """From a fitted binary HistGradientBoostingClassifier (numeric features only)."""
        trees = []
        for (predictor,) in model._predictors:
            n = predictor.nodes
            trees.append({"feature": n["feature_idx"].astype(int),
                          "threshold": n["num_threshold"].astype(float),
                          "left": n["left"].astype(int), "right": n["right"].astype(int),
                          "value": n["value"].astype(float), "leaf": n["is_leaf"].astype(bool),
                          "missing_left": n["missing_go_to_left"].astype(bool)})
        return cls(features, float(np.ravel(model._baseline_prediction)[0]), tuple(trees))


def model_from_dict(d: dict) -> Linear | Trees:
    """A model from the model file (boosted trees or a logistic regression)."""
    return Trees.from_dict(d) if d.get("kind") == "trees" else Linear.from_dict(d)


#: Used when no trained model exists yet: cosine, coverage and checks with hand weights.
_UNTRAINED = {"dense": 6.0, "bm25": 1.0, "focus": 2.0, "constraints_para": 2.0, "source": 3.0,
              "value_x_needed": 1.0, "figure_x_value": 1.0}


@dataclass(frozen=True)
class Models:
    """The three models and the thresholds chosen with them on the dev split."""

    ranker: Linear | Trees
    confidence: Linear
    answerable: Linear | Trees
    refuse_below: float  #: refuse when P(answerable) is below this (English questions)
    sha256: str = ""  #: of the model file (recorded in answers' provenance)
    trained: bool = True
    refuse_below_ru: float | None = None  #: the same for Russian questions (None: as English)

    def threshold(self, language: str) -> float:
        """The refusal threshold on P(answerable) for a question in ``language``."""
        if language == "ru" and self.refuse_below_ru is not None:
            return self.refuse_below_ru
        return self.refuse_below

    @classmethod
    def load(cls, path: Path) -> Models:
        """The trained models, or untrained stand-ins (said by ``trained=False``)."""
        try:
            raw = path.read_bytes()
            d = json.loads(raw)
            if (d["ranker"]["features"] != list(FEATURES)
                    or d["confidence"]["features"] != list(QUESTION_FEATURES)):
                return cls.untrained()  # trained on other features: retrain (make train)
            return cls(model_from_dict(d["ranker"]), Linear.from_dict(d["confidence"]),
                       model_from_dict(d["answerable"]), float(d["refuse_below"]),
                       hashlib.sha256(raw).hexdigest(),
                       refuse_below_ru=(float(d["refuse_below_ru"])
                                        if d.get("refuse_below_ru") is not None else None))
        except (OSError, ValueError, KeyError, TypeError):
            return cls.untrained()

    @classmethod
    def untrained(cls) -> Models:
        names = tuple(FEATURES)
        coef = np.asarray([_UNTRAINED.get(n, 0.0) for n in names])
        ranker = Linear(names, np.zeros(len(names)), np.ones(len(names)), coef, -4.0)
        qn = tuple(QUESTION_FEATURES)
        qcoef = np.asarray([1.0 if n == "top" else 0.0 for n in qn])
        q = Linear(qn, np.zeros(len(qn)), np.ones(len(qn)), qcoef, 0.0)
        return cls(ranker, q, q, 0.2, "", trained=False)


def focus_unknown(corpus: Corpus, query: Query) -> float:
    """Share (idf-weighted) of an English question's focus lemmas absent from the articles."""
    focus = query.question.focus if query.language == "en" else ()
    if not focus:
        return 0.0
    total = sum(corpus.idf.get(t, corpus.max_idf) for t in focus)
    return sum(corpus.max_idf for t in focus if t not in corpus.idf) / total


def question_features(ranked_logits: np.ndarray, feats: np.ndarray, chk: list[Checks],
                      unknown: bool, query: Query, unseen: float = 0.0,
                      votes: tuple[float, float] = (0.0, 0.0), asks_point: bool = False
                      ) -> np.ndarray:
    """:data:`QUESTION_FEATURES` of a ranked candidate list (best first); ``votes`` from the
    verified bank (:meth:`qa.bank.Bank.votes`): only the unanswerable share is a feature (the
    nearest cosine was measured to carry the bank's make-up rather than the question's: in
    training the close paraphrases are left out, for a new question they are not)."""
    col = {n: i for i, n in enumerate(FEATURES)}
    if len(ranked_logits) == 0:
        return np.asarray([-10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                           float(query.question.asks_value), float(unknown),
                           float(query.language == "ru"), 0.0, unseen, 0.0, 0.0, 0.0,
                           float(asks_point), votes[0]])
    top10 = range(min(10, len(chk)))
    margin = ranked_logits[0] - ranked_logits[1] if len(ranked_logits) > 1 else 5.0
    needed = feats[0, col["value_needed"]]

    def joint(c: Checks, focus: float, cons: float) -> float:
        return focus * cons * (c.value if needed else 1.0)

    return np.asarray([
        ranked_logits[0], margin, chk[0].constraints_para,
        max(chk[i].constraints_para for i in top10), chk[0].focus_para, chk[0].value,
        float(any(chk[i].value and chk[i].focus_para >= 0.5 for i in top10)),
        feats[0, col["value_needed"]], float(unknown), float(query.language == "ru"),
        float(feats[:, col["dense"]].max()), unseen,
        max(joint(chk[i], chk[i].focus_para, chk[i].constraints_para) for i in top10),
        max(joint(chk[i], chk[i].focus, chk[i].constraints) for i in top10),
        float(any(chk[i].value_near for i in top10)), float(asks_point), votes[0],
    ])


def asks_point(raw: dict[int, dict[str, float]]) -> bool:
    """True when the candidates include the statements of a figure point the question asks."""
    return any("statement" in r for r in raw.values())


def rank(corpus: Corpus, query: Query, raw: dict[int, dict[str, float]], models: Models,
         unknown: bool, votes: tuple[float, float] = (0.0, 0.0),
         settings: Settings | None = None) -> Ranked:
    """Score every candidate and sort, best first (ties by sentence id)."""
    ids, feats, chk = feature_matrix(corpus, query, raw, settings)
    logits = models.ranker.logit(feats) if len(ids) else np.zeros(0)
    order = sorted(range(len(ids)), key=lambda j: (-logits[j], ids[j]))
    feats = feats[order] if len(ids) else feats
    logits = logits[order] if len(ids) else logits
    chk_sorted = [chk[j] for j in order]
    qf = question_features(logits, feats, chk_sorted, unknown, query,
                           focus_unknown(corpus, query), votes, asks_point(raw))
    return Ranked(tuple(ids[j] for j in order), feats, tuple(chk_sorted),
                  1.0 / (1.0 + np.exp(-logits)), qf)
