"""Transfer learning: a trained run's encoder under a new head, with what is frozen held fixed."""

import numpy as np
import pytest

from tests.helpers import BAD, GOOD, config, multilabel_csv, quiet, three_class_csv, toy_csv
from textnn.config import RunConfig
from textnn.errors import DataError
from textnn.models.params import parameter_arrays
from textnn.runs.directory import load
from textnn.runs.pipeline import train


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A TextCNN that learned which words are good and which bad (labels pos/neg)."""
    root = tmp_path_factory.mktemp("source")
    out = root / "run"
    train(
        config(toy_csv(root / "toy.csv", n=400), **{"train.learning_rate": 0.01}), out, echo=quiet
    )
    return out


def finetune_config(data, source, freeze, **overrides):
    values = {
        "data.name": str(data),
        "init": str(source),
        "train.freeze": freeze,
        "train.epochs": 6,
        "train.batch_size": 32,
        "train.learning_rate": 0.01,
    }
    values.update(overrides)
    return config(data).with_overrides(values)


def split(arrays):
    head = {k: np.asarray(v) for k, v in arrays.items() if k.startswith("out.")}
    rest = {k: np.asarray(v) for k, v in arrays.items() if not k.startswith("out.")}
    return head, rest


def test_head_only_keeps_the_encoder_and_learns_a_new_label_set(source, tmp_path):
    data = three_class_csv(tmp_path / "three.csv")
    out = tmp_path / "tuned"
    result = train(
        finetune_config(data, source, "encoder", **{"train.epochs": 10}), out, echo=quiet
    )
    before_head, before = split(parameter_arrays(load(source).model))
    tuned = load(out)
    after_head, after = split(parameter_arrays(tuned.model))
    assert before.keys() == after.keys()
    for name in before:
        np.testing.assert_array_equal(before[name], after[name], err_msg=name)
    assert before_head["out.kernel"].shape[1] == 2 and after_head["out.kernel"].shape[1] == 3
    assert tuned.label_names == ["bad", "good", "neutral"]
    assert tuned.vocab == load(source).vocab
    # The frozen encoder's features tell good from bad words: the new head finds them.
    good, bad = (result.report["per_class"][c]["recall"] for c in ("good", "bad"))
    assert good > 0.9 and bad > 0.9, result.report["per_class"]
    assert tuned.predict(["the film was wonderful", "the plot was dreadful"]) == ["good", "bad"]


def test_freeze_embeddings_trains_the_convolutions_but_not_the_tables(source, tmp_path):
    data = three_class_csv(tmp_path / "three.csv")
    train(finetune_config(data, source, "embeddings"), tmp_path / "tuned", echo=quiet)
    _, before = split(parameter_arrays(load(source).model))
    _, after = split(parameter_arrays(load(tmp_path / "tuned").model))
    tables = [k for k in before if k.startswith("embed.")]
    assert tables
    for name in before:
        same = np.array_equal(before[name], after[name])
        assert same == (name in tables), name


def test_freeze_none_trains_everything_and_the_config_records_the_source(source, tmp_path):
    data = three_class_csv(tmp_path / "three.csv")
    out = tmp_path / "tuned"
    train(finetune_config(data, source, "none"), out, echo=quiet)
    _, before = split(parameter_arrays(load(source).model))
    _, after = split(parameter_arrays(load(out).model))
    assert all(not np.array_equal(before[k], after[k]) for k in before)
    saved = (out / "config.json").read_text()
    assert str(source) in saved and '"freeze": "none"' in saved


def test_settings_fixed_by_the_source_come_from_it(source, tmp_path):
    data = three_class_csv(tmp_path / "three.csv")
    messages = []
    cfg = finetune_config(data, source, "encoder", **{"text.max_length": 7, "train.epochs": 1})
    result = train(cfg, tmp_path / "tuned", echo=messages.append)
    assert result.predictor.text.max_length == 32  # the source's
    assert any(m.startswith("text: as in") for m in messages)
    assert sum(m.startswith("first training step done") for m in messages) == 1


def test_freezing_the_encoder_needs_a_source(tmp_path):
    data = toy_csv(tmp_path / "toy.csv")
    with pytest.raises(DataError, match="give `init`"):
        train(config(data, **{"train.freeze": "encoder"}), None, echo=quiet)


def test_unknown_freeze_names_the_choices(tmp_path):
    data = toy_csv(tmp_path / "toy.csv")
    with pytest.raises(Exception, match="unknown freeze 'encodr'; did you mean 'encoder'"):
        train(config(data, **{"train.freeze": "encodr"}), None, echo=quiet)


# Sentiment words that the source never saw: a task told only by them.
NEW_GOOD, NEW_BAD = ["excellent", "splendid", "marvellous"], ["atrocious", "dire", "woeful"]


def test_extend_vocab_lets_a_fine_tuned_run_learn_words_its_source_never_saw(source, tmp_path):
    data = toy_csv(tmp_path / "new.csv", 300, 7, NEW_GOOD, NEW_BAD)
    plain = train(finetune_config(data, source, "none"), None, echo=quiet)
    messages = []
    grown = train(
        finetune_config(data, source, "none", extend_vocab=True),
        tmp_path / "tuned",
        echo=messages.append,
    )
    # Without it every new word reads as <unk>: nothing tells the classes apart.
    assert plain.report["accuracy"] < 0.6, plain.report["accuracy"]
    assert grown.report["accuracy"] > 0.9, grown.report["accuracy"]
    old, new = load(source).vocab, load(tmp_path / "tuned").vocab
    assert new.itos[: len(old)] == old.itos
    assert set(NEW_GOOD + NEW_BAD) <= set(new.itos[len(old) :])
    assert f"extend_vocab: {len(new) - len(old)} words of the training split" in "\n".join(messages)
    assert load(tmp_path / "tuned").model.embed.table[...].shape[0] == len(new)


def test_extend_vocab_gives_new_words_their_pretrained_vectors(tmp_path):
    words = ["the", "film", "was", "a", "plot", "and", "with", "actors", "it", "story"]
    words += GOOD + BAD + NEW_GOOD + NEW_BAD
    vectors = np.random.default_rng(3).normal(size=(len(words), 16)).astype(np.float32)
    vec_file = tmp_path / "vectors.txt"
    vec_file.write_text(
        "".join(f"{w} {' '.join(map(str, v))}\n" for w, v in zip(words, vectors, strict=True))
    )
    root = toy_csv(tmp_path / "toy.csv")
    source = tmp_path / "source"
    train(
        config(root, embeddings=str(vec_file), model_options={"channels": 16}), source, echo=quiet
    )
    data = toy_csv(tmp_path / "new.csv", 300, 7, NEW_GOOD, NEW_BAD)
    cfg = finetune_config(data, source, "embeddings", extend_vocab=True, **{"train.epochs": 1})
    train(cfg, tmp_path / "tuned", echo=quiet)
    tuned, old = load(tmp_path / "tuned"), load(source)
    table = np.asarray(tuned.model.embed.table[...])
    np.testing.assert_array_equal(table[: len(old.vocab)], old.model.embed.table[...])
    for word in NEW_GOOD + NEW_BAD:
        np.testing.assert_array_equal(table[tuned.vocab.stoi[word]], vectors[words.index(word)])


def test_extend_vocab_fills_words_without_vectors_as_its_source_did(tmp_path):
    words = ["the", "film", "was", "a", "plot", "and", "with", "actors", "it", "story"]
    vectors = np.random.default_rng(3).normal(size=(len(words), 8)).astype(np.float32)
    vec_file = tmp_path / "vectors.txt"
    vec_file.write_text(
        "".join(f"{w} {' '.join(map(str, v))}\n" for w, v in zip(words, vectors, strict=True))
    )
    source = tmp_path / "source"
    settings = {"embeddings": str(vec_file), "missing_vectors": "zeros"}
    train(config(toy_csv(tmp_path / "toy.csv"), **settings), source, echo=quiet)
    data = toy_csv(tmp_path / "new.csv", 300, 7, NEW_GOOD, NEW_BAD)
    cfg = finetune_config(data, source, "embeddings", extend_vocab=True, **{"train.epochs": 1})
    messages = []
    train(cfg, tmp_path / "tuned", echo=messages.append)  # missing_vectors left at "random"
    tuned = load(tmp_path / "tuned")
    table = np.asarray(tuned.model.embed.table[...])
    assert not table[[tuned.vocab.stoi[w] for w in NEW_GOOD + NEW_BAD]].any()
    assert any("missing_vectors: as in" in m for m in messages), messages


def test_extend_vocab_needs_a_source_and_a_word_table(tmp_path):
    from textnn.models import build_model
    from textnn.models.params import append_word_rows

    data = toy_csv(tmp_path / "toy.csv")
    with pytest.raises(DataError, match="extend_vocab adds words") as err:
        train(config(data, extend_vocab=True), None, echo=quiet)
    assert err.value.field == "extend_vocab"
    nbsvm = build_model("nbsvm", vocab_size=10, num_classes=2)
    with pytest.raises(DataError, match="no word embedding table to grow"):
        append_word_rows(nbsvm, None, 3)


def test_the_library_fine_tune_config_inherits_from_its_source(source, tmp_path):
    from textnn.runs import transfer

    kept = RunConfig.load(source / "config.json")
    tuned = transfer.finetune_config(source, data="new.csv", freeze="none")
    for name in transfer.INHERITED:
        assert getattr(tuned, name) == getattr(kept, name)
    assert tuned.init == str(source) and tuned.data.name == "new.csv"
    assert tuned.train.batch_size == kept.train.batch_size
    assert tuned.validated().train.learning_rate == 1e-4  # more than the head learns
    head_only = transfer.finetune_config(source, freeze="encoder").validated()
    assert head_only.train.learning_rate == 1e-3
    given = transfer.finetune_config(source, freeze="none", learning_rate=3e-4).validated()
    assert given.train.learning_rate == 3e-4
    with pytest.raises(DataError, match="not a run directory"):
        transfer.finetune_config(tmp_path)


def test_text_classifier_fine_tunes_by_the_same_rules(source, tmp_path):
    """TextClassifier(init=...) takes the source's settings and the fine-tuning learning rate,
    as `textnn finetune` does: the run it saves records them."""
    import csv

    from textnn import TextClassifier

    with open(three_class_csv(tmp_path / "three.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    clf = TextClassifier(init=str(source), freeze="none", epochs=1, max_length=7)
    clf.fit([r["text"] for r in rows], [r["label"] for r in rows])
    clf.save(tmp_path / "clf")
    saved = RunConfig.load(tmp_path / "clf" / "config.json")
    assert saved.train.learning_rate == 1e-4
    assert saved.text == RunConfig.load(source / "config.json").text  # not max_length 7


def test_a_single_label_run_fine_tunes_on_multilabel_data_and_back(source, tmp_path):
    # The new head is sized and trained for the new data's labels: independent sigmoids with
    # thresholds chosen on validation for multi-label data, a softmax again from such a run.
    data = multilabel_csv(tmp_path / "tickets.csv", 400)
    read = {"data.options": {"label_column": "labels", "label_separator": "|"}}
    tuned = train(
        finetune_config(data, source, "none", extend_vocab=True, **read),
        tmp_path / "tickets",
        echo=quiet,
    )
    assert tuned.report["multilabel"] and tuned.report["macro_f1"] > 0.9, tuned.report
    run = load(tmp_path / "tickets")
    assert run.multilabel and run.thresholds is not None and run.thresholds.shape == (3,)
    assert [sorted(ls) for ls in run.predict(["my invoice crash today", "thanks awesome"])] == [
        ["billing", "bug"],
        ["praise"],
    ]
    back = train(
        finetune_config(toy_csv(tmp_path / "toy.csv", 300, 3), tmp_path / "tickets", "none",
                        extend_vocab=True),
        tmp_path / "back",
        echo=quiet,
    )  # fmt: skip
    assert not back.report.get("multilabel") and back.report["accuracy"] > 0.9, back.report
    assert not load(tmp_path / "back").multilabel
