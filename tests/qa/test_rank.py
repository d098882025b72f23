"""The model file: round trip, feature-list check, untrained fallback; selection helpers."""

import json

import numpy as np

from qa.rank import FEATURES, QUESTION_FEATURES, Linear, Models


def _linear(names):
    n = len(names)
    return Linear(tuple(names), np.zeros(n), np.ones(n), np.arange(n, dtype=float), -1.0)


def test_linear_round_trip_and_probability():
    lin = _linear(["a", "b"])
    again = Linear.from_dict(json.loads(json.dumps(lin.to_dict())))
    x = np.asarray([[1.0, 2.0]])
    assert np.allclose(again.logit(x), [1.0])  # 0*1 + 1*2 - 1
    assert 0.0 < float(again.probability(x)[0]) < 1.0


def test_models_load_a_trained_file(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"ranker": _linear(FEATURES).to_dict(),
                                "confidence": _linear(QUESTION_FEATURES).to_dict(),
                                "answerable": _linear(QUESTION_FEATURES).to_dict(),
                                "refuse_below": 0.3}))
    m = Models.load(path)
    assert m.trained and m.refuse_below == 0.3 and len(m.sha256) == 64


def test_models_trained_on_other_features_are_not_used(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"ranker": _linear(["old"]).to_dict(),
                                "confidence": _linear(["old"]).to_dict(),
                                "answerable": _linear(["old"]).to_dict(), "refuse_below": 0.3}))
    assert not Models.load(path).trained
    assert not Models.load(tmp_path / "missing.json").trained


def test_the_committed_model_matches_the_code():
    from qa.settings import MODEL_FILE

    assert Models.load(MODEL_FILE).trained, "retrain with `make train`"
