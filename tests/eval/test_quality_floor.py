"""End-to-end quality floor on the evaluation set: a regression in answering fails CI.

The floors sit just under what the system reaches (see eval/report.md); the answers are
deterministic, so a drop below them is a real change, not noise.
"""

import math

import pytest

from eval import scorer

pytestmark = pytest.mark.slow

FLOORS = {
    "verbatim_rate": 1.0,
    "citation_recall": 0.58,
    "citation_precision": 0.40,
    "must_include_accuracy": 0.55,
    "refusal_recall": 0.68,
    "disagreement_coverage": 0.85,
    "crag_score": 0.25,
}
CEILINGS = {"false_refusal_rate": 0.10}


@pytest.fixture(scope="module")
def scores(real_engine):
    items = scorer.load_items(scorer.QUESTIONS_PATH)
    answers = [real_engine.answer(item["question"]).to_dict() for item in items]
    return scorer.score(items, answers, scorer.load_seeds(scorer.SEEDS_DIR))


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_floor(scores, metric):
    assert not math.isnan(scores[metric])
    assert scores[metric] >= FLOORS[metric], f"{metric} fell to {scores[metric]:.3f}"


@pytest.mark.parametrize("metric", sorted(CEILINGS))
def test_ceiling(scores, metric):
    assert scores[metric] <= CEILINGS[metric], f"{metric} rose to {scores[metric]:.3f}"
