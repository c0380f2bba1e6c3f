"""A model's parameters by name: read them out, put them back, save and load them; choose
which of them learn, and swap the classification head."""

from __future__ import annotations

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from textnn.errors import DataError, NotFoundError
from textnn.models.embedder import Embedder, FrozenEmbedding
from textnn.models.quantize import QuantizedValue


def named_variables(model: nnx.Module) -> dict[str, nnx.Variable]:
    """Every parameter, frozen table and quantized table's part of the model by dotted path,
    in graph order."""
    out = {}
    for path, value in nnx.iter_graph(model):
        saved = (nnx.Param, FrozenEmbedding, QuantizedValue)
        if isinstance(value, saved) and value[...] is not None:
            out[".".join(str(p) for p in path)] = value
    return out


def parameter_arrays(model: nnx.Module) -> dict[str, object]:
    """A snapshot of the values as host (numpy) copies: training steps update the model's
    buffers in place (donated), so a snapshot must not share them. A value replicated over
    several hosts is taken from this process's copy."""
    return {name: np.array(_local(v[...])) for name, v in named_variables(model).items()}


def _local(value):
    if isinstance(value, jax.Array) and not value.is_fully_addressable:
        return value.addressable_data(0)
    return value


def restore_parameters(model: nnx.Module, arrays: dict[str, object], where: str = "") -> None:
    """Put values back by name; every variable must be present with the same shape."""
    variables = named_variables(model)
    missing = sorted(set(variables) - set(arrays))
    if missing:
        raise DataError(f"parameters missing: {missing[:5]}", path=where or None)
    for name, variable in variables.items():
        value = arrays[name]
        current = variable[...]
        if tuple(value.shape) != tuple(current.shape) or (
            isinstance(variable, QuantizedValue) and value.dtype != current.dtype
        ):
            raise DataError(
                f"parameter {name!r} is {value.dtype}{list(value.shape)}, the model expects "
                f"{current.dtype}{list(current.shape)}",
                path=where or None,
            )
        variable.set_value(_placed_like(value, variable[...]))


def _placed_like(value, current):
    """`value` on the devices (and sharding) of the `current` value it replaces."""
    if not isinstance(current, jax.Array):
        return jnp.asarray(value)
    if current.is_fully_addressable:
        return jax.device_put(jnp.asarray(value), current.sharding)
    host = np.asarray(value)
    return jax.make_array_from_callback(host.shape, current.sharding, lambda index: host[index])


def parameter_bytes(model: nnx.Module) -> bytes:
    """The model's parameters as a safetensors file's bytes."""
    from safetensors.numpy import save

    return save({name: np.asarray(a) for name, a in parameter_arrays(model).items()})


def read_parameters(path: Path) -> dict[str, np.ndarray]:
    """A parameters file's arrays by name; a DataError naming it when missing or damaged."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        return load_file(str(path))
    except FileNotFoundError:
        raise DataError("parameters file not found", path=path) from None
    except (SafetensorError, OSError, ValueError) as err:
        raise DataError(f"damaged parameters file ({err})", path=path) from None


def load_parameters(model: nnx.Module, path: Path) -> None:
    restore_parameters(model, read_parameters(path), str(path))


FREEZE = ("none", "embeddings", "encoder")
# Every model names its classification head `out` and its word vector tables `embed` (and
# fastText its hashed bigram table `bigrams`); transfer learning relies on these names.
HEAD = "out"
_TABLES = nnx.Any(nnx.PathContains("embed"), nnx.PathContains("bigrams"))


def trainable(freeze: str) -> nnx.filterlib.Filter:
    """The NNX filter of the variables that learn when `freeze` (none, embeddings, encoder)
    is held fixed."""
    if freeze == "none":
        return nnx.Param
    if freeze == "embeddings":
        return nnx.All(nnx.Param, nnx.Not(_TABLES))
    if freeze == "encoder":
        return nnx.All(nnx.Param, nnx.PathContains(HEAD))
    raise NotFoundError("freeze", freeze, FREEZE)


def head(model: nnx.Module) -> nnx.Linear:
    """The model's classification head; a DataError if it has none to swap (nbsvm)."""
    old = getattr(model, HEAD, None)
    if not isinstance(old, nnx.Linear):
        raise DataError(
            f"a {type(model).__name__} model has no separate classification head ({HEAD!r}) to "
            "replace, so it cannot start another run; train it anew on this data instead"
        )
    return old


def replace_head(model: nnx.Module, num_classes: int, seed: int = 0) -> None:
    """A fresh classification head for `num_classes` classes, in place; the rest is kept."""
    old = head(model)
    setattr(model, HEAD, nnx.Linear(old.in_features, num_classes, rngs=nnx.Rngs(params=seed)))
    model.config.num_classes = num_classes


def append_word_rows(model: nnx.Module, rows: np.ndarray | None, count: int, seed: int = 0) -> None:
    """Grow every word table of `model` by `count` ids, in place: `rows` <float32>[count, D]
    for each (pretrained vectors), or with `rows=None` random normal rows at the scale of the
    table's own rows. Ids already there keep their vectors."""
    embedders = [m for _, m in nnx.iter_graph(model) if isinstance(m, Embedder)]
    if not embedders:
        raise DataError(
            f"a {type(model).__name__} model has no word embedding table to grow; "
            "extend_vocab needs one (textcnn, cnn, mlp, fasttext and the recurrent models have)"
        )
    rng = np.random.default_rng(seed)
    for embedder in embedders:
        for variable in (embedder.frozen, embedder.table):
            if variable is None:
                continue
            old = variable[...]
            new = rows
            if new is None:
                scale = float(jnp.std(old[2:])) if old.shape[0] > 2 else 1.0
                new = rng.normal(0.0, scale, (count, old.shape[1]))
            if tuple(new.shape) != (count, old.shape[1]):
                raise ValueError(f"expected rows of shape {(count, old.shape[1])}, got {new.shape}")
            variable.set_value(jnp.concatenate([old, jnp.asarray(new, old.dtype)]))
    model.config.vocab_size += count
