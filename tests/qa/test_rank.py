"""The model file: round trip, feature-list check, untrained fallback; selection helpers."""

import json

import numpy as np

from qa.rank import FEATURES, QUESTION_FEATURES, Linear, Models, Trees


def _linear(names):
    n = len(names)
    return Linear(tuple(names), np.zeros(n), np.ones(n), np.arange(n, dtype=float), -1.0)


def test_linear_round_trip_and_probability():
    lin = _linear(["a", "b"])
    again = Linear.from_dict(json.loads(json.dumps(lin.to_dict())))
    x = np.asarray([[1.0, 2.0]])
    assert np.allclose(again.logit(x), [1.0])  # 0*1 + 1*2 - 1
    assert 0.0 < float(again.probability(x)[0]) < 1.0


def test_trees_give_what_scikit_learn_gives_after_a_json_round_trip(tmp_path):
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.random((400, 4))
    y = (x[:, 0] + 0.5 * x[:, 2] + 0.3 * rng.random(400) > 0.9).astype(int)
    model = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=8, random_state=0)
    model.fit(x, y)
    trees = Trees.from_dict(json.loads(json.dumps(Trees.from_sklearn(model, tuple("abcd"))
                                                  .to_dict())))
    probe = rng.random((50, 4))
    probe[rng.random(probe.shape) < 0.1] = np.nan  # missing values take the learned side
    assert np.allclose(trees.probability(probe), model.predict_proba(probe)[:, 1])
    # one question's row (plain Python) and many candidates' rows (numpy) walk alike
    assert np.allclose(np.concatenate([trees.logit(probe[i:i + 1]) for i in range(50)]),
                       trees.logit(probe))
    assert len({round(p, 6) for p in trees.probability(probe)}) > 2  # not a constant


def test_models_load_trees_for_answerability(tmp_path):
    path = tmp_path / "m.json"
    leaf = {"feature": [0], "threshold": [0.0], "left": [0], "right": [0], "value": [0.0],
            "leaf": [True], "missing_left": [False]}
    path.write_text(json.dumps({"ranker": _linear(FEATURES).to_dict(),
                                "confidence": _linear(QUESTION_FEATURES).to_dict(),
                                "answerable": {"kind": "trees", "features": list(
                                    QUESTION_FEATURES), "baseline": 2.0, "trees": [leaf]},
                                "refuse_below": 0.3}))
    m = Models.load(path)
    assert isinstance(m.answerable, Trees)
    assert np.isclose(m.answerable.probability(np.zeros((1, len(QUESTION_FEATURES))))[0],
                      1 / (1 + np.exp(-2.0)))


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
