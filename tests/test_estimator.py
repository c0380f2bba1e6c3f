"""The scikit-learn API: fit/predict/score, clone, Pipeline, GridSearchCV, save/load, and the
estimator checks that apply to an estimator whose input is text."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import estimator_checks

from tests.helpers import BAD, GOOD
from textnn import TextClassifier


def toy(n=200, seed=0, labels=("neg", "pos")):
    rng = np.random.default_rng(seed)
    filler = ["the", "film", "was", "a", "plot", "and", "with", "actors", "it", "story"]
    texts, y = [], []
    for i in range(n):
        words = list(rng.choice(filler, size=rng.integers(3, 10)))
        words.insert(rng.integers(0, len(words)), rng.choice(GOOD if i % 2 else BAD))
        texts.append(" ".join(words))
        y.append(labels[i % 2])
    return texts, y


def small(**params):
    """A fast configuration: a small TextCNN on random embeddings."""
    base = {
        "model": "textcnn",
        "embeddings": None,
        "epochs": 6,
        "batch_size": 32,
        "learning_rate": 0.02,
        "max_length": 32,
        "model_options": {"channels": 16, "embed_dim": 16},
    }
    return TextClassifier(**{**base, **params})


def test_fit_predict_score_with_labels_of_any_type():
    texts, y = toy()
    clf = small().fit(texts, y)
    assert list(clf.classes_) == ["neg", "pos"]
    assert clf.score(*toy(60, seed=1)) > 0.9
    proba = clf.predict_proba(["a superb film", "a dreadful film"])
    assert proba.shape == (2, 2) and np.allclose(proba.sum(1), 1, atol=1e-5)
    assert list(clf.predict(np.array(["a superb film", "a dreadful film"]))) == ["pos", "neg"]
    ints = small().fit(texts, [0 if label == "neg" else 7 for label in y])
    assert ints.classes_.tolist() == [0, 7] and ints.predict(["a lovely plot"])[0] == 7
    assert len(clf.history_) == 6


def test_clone_copies_parameters_not_the_fit():
    clf = small(model_options={"channels": 8, "embed_dim": 8}).fit(*toy(80))
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert not hasattr(copy, "predictor_")
    with pytest.raises(NotFittedError):
        copy.predict(["a film"])
    copy.set_params(epochs=1, learning_rate=0.5)
    assert copy.get_params()["epochs"] == 1 and clf.epochs == 6


def test_in_a_pipeline():
    texts, y = toy()
    shout = FunctionTransformer(lambda xs: [x.upper() for x in xs])
    pipe = Pipeline([("shout", shout), ("clf", small(lowercase=True))])
    assert pipe.fit(texts, y).score(*toy(60, seed=2)) > 0.9
    assert pipe.get_params()["clf__epochs"] == 6


def test_a_soft_vote_with_scikit_learns_voting_classifier():
    texts, y = toy()
    members = [("cnn", small()), ("nbsvm", small(model="nbsvm", model_options={}))]
    vote = VotingClassifier(members, voting="soft").fit(texts, y)
    probe, labels = toy(60, seed=3)
    cnn, nbsvm = (vote.named_estimators_[name].predict_proba(probe) for name in ("cnn", "nbsvm"))
    np.testing.assert_allclose(vote.predict_proba(probe), (cnn + nbsvm) / 2, rtol=1e-5)
    assert list(vote.classes_) == ["neg", "pos"]
    assert vote.score(probe, labels) > 0.9


def test_grid_search_picks_the_learning_rate_that_learns():
    texts, y = toy(240)
    search = GridSearchCV(small(), {"learning_rate": [1e-6, 0.02]}, cv=2)
    search.fit(texts, y)
    assert search.best_params_ == {"learning_rate": 0.02}
    scores = search.cv_results_["mean_test_score"]
    assert scores[1] > 0.85 and scores[0] < 0.7, scores
    assert cross_val_score(small(epochs=2), texts, y, cv=2).shape == (2,)


def test_save_and_load_give_the_same_probabilities(tmp_path):
    texts, y = toy()
    clf = small().fit(texts, y)
    clf.save(tmp_path / "clf")
    back = TextClassifier.load(tmp_path / "clf")
    assert back.get_params() == clf.get_params()
    assert back.classes_.tolist() == ["neg", "pos"]
    probe = ["a superb film", "the plot was dreadful", "it was a film"]
    np.testing.assert_array_equal(back.predict_proba(probe), clf.predict_proba(probe))
    import textnn

    assert textnn.load(tmp_path / "clf").predict(probe) == list(clf.predict(probe))


def test_bad_input_gets_a_clear_error(tmp_path):
    texts, y = toy(40)
    with pytest.raises(TypeError, match="single string"):
        small().fit("one text", ["pos"])
    with pytest.raises(ValueError, match=r"one label per text .*: 40 texts"):
        small().fit(texts, y[:-1])
    with pytest.raises(ValueError, match="one class only"):
        small().fit(texts, ["pos"] * 40)
    with pytest.raises(ValueError, match="1-D sequence of texts"):
        small().fit(np.array([texts, texts]).T, y)
    with pytest.raises(TypeError, match=r"X\[1\] is a int"):
        small().fit(["a", 3, *texts[2:]], y)
    with pytest.raises(Exception, match=r"estimator\.json"):
        TextClassifier.load(tmp_path)


# scikit-learn's own checks that do not need numeric 2-D input (the rest feed it number
# matrices, which a text classifier cannot take).
TEXT_SAFE_CHECKS = [
    estimator_checks.check_parameters_default_constructible,
    estimator_checks.check_no_attributes_set_in_init,
    estimator_checks.check_get_params_invariance,
    estimator_checks.check_set_params,
    estimator_checks.check_do_not_raise_errors_in_init_or_set_params,
    estimator_checks.check_estimator_cloneable,
    estimator_checks.check_estimator_repr,
    estimator_checks.check_estimators_unfitted,
    estimator_checks.check_mixin_order,
    estimator_checks.check_valid_tag_types,
    estimator_checks.check_estimator_tags_renamed,
]


@pytest.mark.parametrize("check", TEXT_SAFE_CHECKS, ids=lambda c: c.__name__)
def test_scikit_learn_estimator_checks(check):
    check("TextClassifier", TextClassifier())


def test_words_without_a_vector_start_as_zeros_when_asked(tmp_path):
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("film 0.5 -0.5 0.25 1.0\nplot 1.0 0.5 -0.25 0.5\n")
    texts, y = toy(80)
    fixed = {"embeddings": str(vectors), "epochs": 1, "model_options": {"embedding": "static"}}
    for missing, zero in (("zeros", True), ("random", False)):
        clf = small(**fixed, missing_vectors=missing).fit(texts, y)
        table = np.asarray(clf.predictor_.model.embed.vectors())
        vocab = clf.predictor_.vocab
        assert table[vocab.stoi["film"]].tolist() == [0.5, -0.5, 0.25, 1.0]
        assert (not table[vocab.stoi["actors"]].any()) == zero
    with pytest.raises(Exception, match="missing_vectors must be one of"):
        small(missing_vectors="mean").fit(texts, y)


def test_without_a_validation_split_every_epoch_runs_and_the_last_is_kept():
    clf = small(validation_fraction=0.0, patience=1).fit(*toy(120))
    assert len(clf.history_) == 6 and "val_accuracy" not in clf.history_[-1]


@pytest.mark.mirror
@pytest.mark.slow
def test_on_the_uci_sentences_with_glove(mirror):
    from textnn.data import load_dataset
    from textnn.data.splits import train_validation_split

    data = load_dataset("uci_sentences")
    train, test = train_validation_split(data.train, 0.2, seed=3)
    names = np.array(data.label_names)
    # a TextCNN over GloVe: plain train's vote on this data is tests/runs/test_partner.py's
    clf = TextClassifier(
        model="textcnn", tokenizer="glove", max_length=100, epochs=5, batch_size=32
    )
    clf.fit(train.texts, names[train.labels])
    accuracy = clf.score(test.texts, names[test.labels])
    assert accuracy > 0.75, accuracy


def test_every_run_setting_is_a_parameter_with_the_run_configs_default():
    from dataclasses import fields

    from textnn.config import RunConfig, TrainConfig
    from textnn.estimator import PARAMETERS

    params = TextClassifier().get_params()
    assert set(PARAMETERS) <= set(params)
    assert {f"train.{f.name}" for f in fields(TrainConfig)} <= set(PARAMETERS.values())
    default = RunConfig().to_dict()
    made = TextClassifier().run_config().to_dict()
    for name, path in PARAMETERS.items():
        section, _, key = path.rpartition(".")
        want = default[section][key] if section else default[key]
        got = made[section][key] if section else made[key]
        assert got == want, name
    # each parameter reaches its field
    odd = {"weight_decay": 0.25, "schedule": "cosine", "clip_norm": 2.0, "sentences": True}
    made = TextClassifier(**odd).run_config()
    assert made.train.weight_decay == 0.25 and made.train.schedule == "cosine"
    assert made.train.clip_norm == 2.0 and made.data.sentences


@pytest.mark.parametrize("embeddings", [None, "none"])
def test_no_pretrained_vectors_by_none_or_the_word(embeddings):
    texts, y = toy(60)
    clf = small(embeddings=embeddings, epochs=1).fit(texts, y)
    assert clf.predict_proba(texts[:3]).shape == (3, 2)


def test_a_budget_searches_and_the_result_saves_and_loads(tmp_path):
    texts, y = toy(240)
    clf = TextClassifier(budget=12).fit(texts, y)
    assert clf.autotune_ is not None and clf.score(*toy(60, seed=3)) >= 0.9
    clf.save(tmp_path / "clf")
    back = TextClassifier.load(tmp_path / "clf")
    probe = ["a superb film", "the plot was dreadful", "it was a film"]
    np.testing.assert_allclose(back.predict_proba(probe), clf.predict_proba(probe), atol=1e-6)
    with pytest.raises(ValueError, match="model='auto'"):
        TextClassifier(model="textcnn", budget=5).fit(texts, y)
