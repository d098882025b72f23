"""Tuning values live in the settings objects and are passed down: changing one changes
behaviour (so the plumbing is proven, not just present)."""

from __future__ import annotations

import math
from dataclasses import fields
from types import SimpleNamespace

import numpy as np

from index.claims import apply_bound
from index.names import same_name
from index.settings import IndexSettings
from index.types import FigureClaim, Sentence, Source
from qa.bank import agree
from qa.contested import discover_points
from qa.question import Question
from qa.rank import Ranked
from qa.refuse import REASONS, refusal_reason
from qa.retrieve import Checks
from qa.select import select
from qa.settings import Settings


def _settings(**kw) -> Settings:
    """Settings independent of calibration.json for the selection thresholds."""
    base = {"keep_ratio": 0.5, "keep_floor": 0.25, "single_answer": 0.65, "max_citations": 8,
            "max_per_source": 3}
    return Settings(**{**base, **kw})


def _checks(focus_para: float = 1.0, value: float = 1.0) -> Checks:
    return Checks(1.0, focus_para, 1.0, 1.0, 1.0, value, 0.0)


def test_every_field_has_a_default_and_help():
    for cls in (Settings, IndexSettings):
        for f in fields(cls):
            assert f.metadata.get("help"), f"{cls.__name__}.{f.name} has no help"
            assert cls.value(None, f.name) is not None


def test_value_without_settings_is_the_field_default():
    assert Settings.value(None, "near_duplicate") == _settings().near_duplicate
    assert Settings.value(_settings(near_duplicate=0.9), "near_duplicate") == 0.9
    assert IndexSettings.value(None, "governor_depth") == IndexSettings().governor_depth


# -- near_duplicate (qa/select.py) -------------------------------------------------------------
def test_raising_near_duplicate_keeps_both_near_identical_quotes():
    sentences = [Sentence(0, "a", 0, 10, "x" * 10), Sentence(1, "a", 20, 30, "y" * 10)]
    lemmas = (frozenset("eight people be kill masanchi".split()),
              frozenset("eight people be kill korday".split()))  # Jaccard 4/6 = 0.67
    corpus = SimpleNamespace(store=SimpleNamespace(sentences=sentences), lemmas=lemmas)
    ranked = Ranked((0, 1), np.zeros((2, 1)), (_checks(), _checks()), np.asarray([0.9, 0.8]),
                    np.zeros(1))
    question = Question("why?", "en", "cause", ("kill",))
    assert select(ranked, corpus, question, _settings()) == [0]
    assert select(ranked, corpus, question, _settings(near_duplicate=1.0)) == [0, 1]


# -- keep_floor, for a question comparing the sources (qa/select.py) ----------------------------
def test_a_comparing_question_gets_each_sources_best_quote_above_the_floor():
    sentences = [Sentence(i, doc, 100 * i, 100 * i + 10, f"sentence{i:2d}")
                 for i, doc in enumerate(["a", "a", "b", "c"])]
    lemmas = tuple(frozenset({f"w{i}", f"v{i}"}) for i in range(4))
    corpus = SimpleNamespace(store=SimpleNamespace(sentences=sentences), lemmas=lemmas)
    checks = tuple(_checks() for _ in range(4))
    ranked = Ranked((0, 1, 2, 3), np.zeros((4, 1)), checks, np.asarray([0.9, 0.85, 0.4, 0.3]),
                    np.zeros(1))
    alone = Question("What happened to the houses?", "en", "description", ("house",))
    compare = Question("Do the outlets agree on what happened to the houses?", "en",
                       "description", ("house",))
    assert select(ranked, corpus, alone, _settings(keep_ratio=0.9)) == [0, 1]
    assert select(ranked, corpus, compare, _settings(keep_ratio=0.9)) == [0, 2, 3, 1]
    assert select(ranked, corpus, compare, _settings(keep_ratio=0.9, keep_floor=0.35)) == [
        0, 2, 1]


# -- bank_min_focus_overlap (qa/bank.py) -------------------------------------------------------
def test_the_focus_overlap_a_bank_match_needs_is_a_setting():
    new = Question("q1", "en", "count", ("kill", "people", "masanchi"))
    known = Question("q2", "en", "count", ("kill", "village"))  # Jaccard 1/4
    assert not agree(new, known)
    assert not agree(new, known, settings=_settings(bank_min_focus_overlap=0.3))
    assert agree(new, known, settings=_settings(bank_min_focus_overlap=0.25))


# -- refuse_about_focus (qa/refuse.py) ---------------------------------------------------------
def test_what_counts_as_about_the_focus_is_a_setting():
    q = Question("Who was the driver?", "en", "person", ("driver",), focus_phrase="the driver")
    chk = (_checks(focus_para=0.4, value=0.0),) * 3
    assert refusal_reason(q, [], chk, 0.3, 0.2) == ""  # 0.4 < 0.5: not about the focus
    reason = refusal_reason(q, [], chk, 0.3, 0.2, settings=_settings(refuse_about_focus=0.4))
    assert reason == REASONS["en"]["no_value"].format(focus="the driver", what="a name")
    assert refusal_reason(q, [], chk, 0.3, 0.2, settings=_settings(
        refuse_about_focus=0.4, refuse_no_value_below=0.3)) == ""


# -- cluster_sim (qa/contested.py) -------------------------------------------------------------
def _encode(texts: list[str]) -> np.ndarray:
    groups = {"killed": 0, "died": 0}
    out = np.zeros((len(texts), 8), dtype=np.float32)
    for i, t in enumerate(texts):
        out[i, groups.get(t, 1 + hash(t) % 7)] = 1.0
    return out


def test_the_cluster_threshold_decides_what_is_one_point():
    rows = [[FigureClaim("d0", 0, 0, 2, "10", 10, 10, 10, "exact", counts="killed",
                         predicate="killed", persons=True, context_end=2)],
            [FigureClaim("d1", 1, 0, 1, "8", 8, 8, 8, "exact", counts="died",
                         predicate="died", persons=True, context_end=1)]]
    sents = [Sentence(i, f"d{i}", 0, 5, "xxxxx") for i in range(2)]
    sources = {f"d{i}": Source(f"d{i}", f"Outlet {i}") for i in range(2)}
    (point,) = discover_points(sents, rows, sources, _encode, accounts=False)
    assert point.contested
    assert discover_points(sents, rows, sources, _encode, accounts=False,
                           settings=_settings(cluster_sim=1.01)) == []


# -- index settings ------------------------------------------------------------------------------
def test_index_tuning_is_passed_down():
    assert apply_bound(400, "approx") == (360, 440)
    assert apply_bound(400, "approx", tolerance=0.2) == (320, 480)
    assert apply_bound(170, "above", tolerance=0.2) == (171, math.inf)
    assert not same_name("daurov", "davrof")
    assert same_name("daurov", "davrof", ratio=0.6)


def test_only_what_changes_the_build_is_in_the_manifest():
    cutting = IndexSettings().cutting()
    assert {"governor_depth", "approx_tolerance"} <= cutting.keys()
    assert "same_name_ratio" not in cutting
