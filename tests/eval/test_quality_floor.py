"""End-to-end quality floor on the TEST split, with the bank holding dev questions only:
a regression in answering fails CI.

The floors sit just under what the system reaches (eval/report.md); the answers are
deterministic, so a drop below them is a real change, not noise.
"""

import math
from dataclasses import replace

import pytest

from eval import scorer

pytestmark = pytest.mark.slow

FLOORS = {  # measured on the 2,893-question test split: 1.0, .726, .574, .670, .654, .368, .802
    "verbatim_rate": 1.0,
    "citation_recall": 0.71,
    "citation_precision": 0.56,
    "first_quote_accuracy": 0.655,
    "must_include_accuracy": 0.64,
    "refusal_recall": 0.35,
    "disagreement_coverage": 0.785,
}
CEILINGS = {"false_refusal_rate": 0.04, "calibration_error": 0.05}  # measured .020, .030


@pytest.fixture(scope="module")
def scores(real_engine):
    from qa.engine import Engine

    eng = Engine(replace(real_engine.settings, bank_splits=("dev",)),
                 embedder=real_engine.embedder, use_embedder=real_engine.use_embedder,
                 nlp=real_engine.nlp)
    items = [i for i in scorer.load_items(scorer.QUESTIONS_PATH) if i["split"] == "test"]
    assert all(e.split == "dev" for e in eng.loaded().bank.entries)
    answers = [eng.answer(item["question"]).to_dict() for item in items]
    return scorer.score(items, answers, scorer.load_seeds(scorer.SEEDS_DIR))


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_floor(scores, metric):
    assert not math.isnan(scores[metric])
    assert scores[metric] >= FLOORS[metric], f"{metric} fell to {scores[metric]:.3f}"


@pytest.mark.parametrize("metric", sorted(CEILINGS))
def test_ceiling(scores, metric):
    assert scores[metric] <= CEILINGS[metric], f"{metric} rose to {scores[metric]:.3f}"
