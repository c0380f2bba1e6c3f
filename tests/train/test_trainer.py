"""The trainer's steps, optimisers, schedules and class weights, on tiny models made here."""

import numpy as np
import pytest
from sklearn.utils.class_weight import compute_class_weight

from textnn.config import TrainConfig
from textnn.errors import NotFoundError
from textnn.train.optim import optimizer, schedule
from textnn.train.trainer import class_weight_vector


def test_schedules():
    cfg = TrainConfig(learning_rate=1.0, epochs=4, schedule="step", step_epochs=1, gamma=0.5)
    s = schedule(cfg, steps_per_epoch=10)
    assert [float(s(i)) for i in (0, 9, 10, 25)] == [1.0, 1.0, 0.5, 0.25]
    cfg = TrainConfig(learning_rate=1.0, epochs=2, schedule="cosine", warmup_epochs=1)
    s = schedule(cfg, steps_per_epoch=10)
    assert float(s(0)) == 0.0 and float(s(10)) == pytest.approx(1.0)
    assert float(s(20)) == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(NotFoundError, match="did you mean 'adam'"):
        optimizer(TrainConfig(optimizer="adan", epochs=1), 10)


def test_balanced_class_weights_match_scikit_learn():
    labels = np.array([0, 0, 0, 1, 2, 2])
    ours = class_weight_vector(TrainConfig(class_weights="balanced"), labels, 3)
    np.testing.assert_allclose(
        ours, compute_class_weight("balanced", classes=np.arange(3), y=labels), rtol=1e-6
    )


def test_a_parameter_snapshot_survives_the_in_place_updates_that_follow():
    """Training steps donate the model's buffers (updated in place); the best epoch's
    snapshot, taken before later steps, must keep its values and restore them."""
    from flax import nnx

    from textnn.models import build_model
    from textnn.models.params import parameter_arrays, restore_parameters
    from textnn.train.trainer import train_step

    model = build_model("fasttext", {"vocab_size": 50, "embed_dim": 8, "bigram_buckets": 64})
    opt = nnx.Optimizer(
        model, optimizer(TrainConfig(learning_rate=0.1, epochs=1), 10), wrt=nnx.Param
    )
    before = parameter_arrays(model)
    copies = {name: np.array(value) for name, value in before.items()}
    ids = np.arange(1, 13, dtype=np.int32).reshape(2, 6)
    lengths, labels = np.array([6, 4], np.int32), np.array([0, 1], np.int32)
    for _ in range(3):
        train_step(
            model, opt, ids, lengths, labels, np.ones(2, np.float32), num_classes=2, smoothing=0.0
        )
    after = parameter_arrays(model)
    assert any(not np.array_equal(after[n], copies[n]) for n in copies)
    for name, value in before.items():
        np.testing.assert_array_equal(np.asarray(value), copies[name])
    restore_parameters(model, before)
    for name, value in parameter_arrays(model).items():
        np.testing.assert_array_equal(np.asarray(value), copies[name])


def test_multichannel_trains_in_place_and_its_frozen_copy_stays():
    """The frozen and the trained table start from the same vectors; in-place updates of one
    must neither fail nor touch the other."""
    from flax import nnx

    from textnn.models import build_model
    from textnn.train.trainer import train_step

    vectors = np.random.default_rng(0).normal(size=(30, 6)).astype(np.float32)
    model = build_model("textcnn", embeddings=vectors, embedding="multichannel", channels=4)
    opt = nnx.Optimizer(
        model, optimizer(TrainConfig(learning_rate=0.1, epochs=1), 10), wrt=nnx.Param
    )
    ids = np.arange(1, 13, dtype=np.int32).reshape(2, 6)
    for _ in range(2):
        train_step(
            model,
            opt,
            ids,
            np.array([6, 5], np.int32),
            np.array([0, 1], np.int32),
            np.ones(2, np.float32),
            num_classes=2,
            smoothing=0.0,
        )
    np.testing.assert_array_equal(np.asarray(model.embed.frozen[...]), vectors)
    assert not np.array_equal(np.asarray(model.embed.table[...]), vectors)


def test_a_long_epoch_says_how_it_goes_when_there_is_no_progress_bar(monkeypatch):
    from textnn.models import build_model
    from textnn.text.batching import BucketedBatches
    from textnn.text.ragged import Ragged
    from textnn.train import trainer

    monkeypatch.setattr(trainer, "HEARTBEAT_SECONDS", 0.0)
    lines = []
    model = build_model("fasttext", {"vocab_size": 20, "embed_dim": 4, "bigram_buckets": 0})
    ids = Ragged.from_lists([[1, 2, 3], [4, 5], [6, 7, 8, 9]] * 8)
    labels = np.array([0, 1, 0] * 8, np.int32)
    batches = BucketedBatches(ids, labels, batch_size=4, max_length=8, shuffle=True)
    config = TrainConfig(epochs=1)
    trainer.Trainer(model, config, 2, progress=False, heartbeat=lines.append).fit(batches)
    assert lines and "epoch 1/1:" in lines[0] and "ex/s, about" in lines[0]
    lines.clear()
    trainer.Trainer(model, config, 2, progress=True, heartbeat=lines.append).fit(batches)
    assert not lines  # a progress bar shows it instead
