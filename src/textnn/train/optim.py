"""Optimisers and learning-rate schedules from a TrainConfig."""

from __future__ import annotations

import optax

from textnn.config import TrainConfig
from textnn.config.run_config import default_learning_rate
from textnn.errors import NotFoundError

OPTIMIZERS = ("adam", "adamw", "sgd")
SCHEDULES = ("constant", "step", "cosine")


def schedule(config: TrainConfig, steps_per_epoch: int) -> optax.Schedule:
    """Learning rate by step: constant; step decay (x gamma every step_epochs, like PyTorch's
    StepLR); or cosine decay to 0 over all epochs after a linear warm-up."""
    if not isinstance(config.epochs, int):
        raise ValueError(
            f"epochs is {config.epochs!r}: resolve it first (RunConfig.validated, then the "
            "pipeline's runs.adaptive.resolve_auto), or give a whole number"
        )
    lr, total = config.learning_rate, max(1, config.epochs * steps_per_epoch)
    if lr is None:  # a TrainConfig used alone, without RunConfig.validated: a new model's rate
        lr = default_learning_rate(config.freeze, fine_tuning=False)
    if config.schedule == "constant":
        return optax.constant_schedule(lr)
    if config.schedule == "step":
        return optax.exponential_decay(
            lr,
            transition_steps=config.step_epochs * steps_per_epoch,
            decay_rate=config.gamma,
            staircase=True,
        )
    if config.schedule == "cosine":
        warmup = int(config.warmup_epochs * steps_per_epoch)
        return optax.warmup_cosine_decay_schedule(
            0.0 if warmup else lr, lr, max(warmup, 0), max(total, warmup + 1)
        )
    raise NotFoundError("schedule", config.schedule, SCHEDULES)


def optimizer(config: TrainConfig, steps_per_epoch: int) -> optax.GradientTransformation:
    """Gradient clipping (if set), then the optimiser with its schedule and weight decay."""
    lr = schedule(config, steps_per_epoch)
    if config.optimizer == "adam":
        opt = optax.adam(lr)
        if config.weight_decay:  # L2 added to the gradient, as PyTorch's Adam(weight_decay=)
            opt = optax.chain(optax.add_decayed_weights(config.weight_decay), opt)
    elif config.optimizer == "adamw":
        opt = optax.adamw(lr, weight_decay=config.weight_decay or 0.0)
    elif config.optimizer == "sgd":
        opt = optax.sgd(lr, momentum=config.momentum or None)
        if config.weight_decay:
            opt = optax.chain(optax.add_decayed_weights(config.weight_decay), opt)
    else:
        raise NotFoundError("optimizer", config.optimizer, OPTIMIZERS)
    if config.clip_norm:
        opt = optax.chain(optax.clip_by_global_norm(config.clip_norm), opt)
    return opt
