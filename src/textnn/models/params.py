"""A model's parameters by name: read them out, put them back, save and load them."""

from __future__ import annotations

from pathlib import Path

import jax.numpy as jnp
import numpy as np
from flax import nnx

from textnn.errors import DataError
from textnn.models.layers import FrozenEmbedding


def named_variables(model: nnx.Module) -> dict[str, nnx.Variable]:
    """Every parameter and frozen table of the model by dotted path, in graph order."""
    out = {}
    for path, value in nnx.iter_graph(model):
        if isinstance(value, (nnx.Param, FrozenEmbedding)) and value[...] is not None:
            out[".".join(str(p) for p in path)] = value
    return out


def parameter_arrays(model: nnx.Module) -> dict[str, object]:
    """A snapshot of the values (jax arrays are immutable, so later steps do not change it)."""
    return {name: v[...] for name, v in named_variables(model).items()}


def restore_parameters(model: nnx.Module, arrays: dict[str, object], where: str = "") -> None:
    """Put values back by name; every variable must be present with the same shape."""
    variables = named_variables(model)
    missing = sorted(set(variables) - set(arrays))
    if missing:
        raise DataError(f"parameters missing: {missing[:5]}", path=where or None)
    for name, variable in variables.items():
        value = arrays[name]
        if tuple(value.shape) != tuple(variable[...].shape):
            raise DataError(
                f"parameter {name!r} has shape {tuple(value.shape)}, the model "
                f"expects {tuple(variable[...].shape)}",
                path=where or None,
            )
        variable[...] = jnp.asarray(value)


def save_parameters(model: nnx.Module, path: Path) -> None:
    from safetensors.numpy import save_file

    save_file({name: np.asarray(a) for name, a in parameter_arrays(model).items()}, str(path))


def load_parameters(model: nnx.Module, path: Path) -> None:
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        arrays = load_file(str(path))
    except FileNotFoundError:
        raise DataError("parameters file not found", path=path) from None
    except (SafetensorError, OSError, ValueError) as err:
        raise DataError(f"damaged parameters file ({err})", path=path) from None
    restore_parameters(model, arrays, str(path))
