"""Model speed: one jit-compiled training step (forward + backward + Adam) of `textcnn` and
`bilstm` (2 layers x 100 hidden) at batch 64 x 500 tokens; compile time, step time, peak memory.

Also, in the same run: the BiLSTM step at 250 tokens (what a length-bucketed batch of median
IMDb reviews costs), a plain `nnx.RNN` + `nnx.Bidirectional` BiLSTM of the same size as the
baseline our recurrent layer replaces, whether XLA flushes denormal floats on this CPU, and the
TextCNN and BiLSTM steps again with glibc's allocator left at its defaults (TEXTNN_MALLOC=system:
what the setting of `textnn/memory.py`, which the `textnn` command applies, gains). Each case
runs in a fresh process. Writes benchmarks/results/models.json.

    python benchmarks/bench_models.py [--steps 5] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

STEP = """
from textnn.memory import keep_freed_memory
keep_freed_memory()  # first, as the `textnn` command does (TEXTNN_MALLOC=system: glibc's defaults)
import json, resource, time
import jax, jax.numpy as jnp, numpy as np, optax
from flax import nnx
from textnn.models import build_model, parameter_count

NAME, LENGTH, STEPS, BATCH, VOCAB = {name!r}, {length}, {steps}, 64, {vocab}
rng = np.random.default_rng(0)
vectors = rng.normal(0, 0.4, (VOCAB, 100)).astype(np.float32)
if NAME == "nnx-rnn-bilstm":
    class PlainBiLSTM(nnx.Module):
        # d2l's BiRNN on Flax's own recurrent layers: 2 bidirectional LSTM layers, first-last
        # head, frozen embedding (a non-Param variable), as our bilstm case.
        def __init__(self, rngs):
            self.table = nnx.Variable(jnp.asarray(vectors))
            def bi(features):
                return nnx.Bidirectional(
                    nnx.RNN(nnx.OptimizedLSTMCell(features, 100, rngs=rngs)),
                    nnx.RNN(nnx.OptimizedLSTMCell(features, 100, rngs=rngs)), rngs=rngs)
            self.layers = nnx.List([bi(100), bi(200)])
            self.out = nnx.Linear(400, 2, rngs=rngs)
        def __call__(self, ids, lengths):
            x = self.table[...][ids]
            for layer in self.layers:
                x = layer(x, seq_lengths=lengths)
            last = x[jnp.arange(x.shape[0]), lengths - 1]
            return self.out(jnp.concatenate([x[:, 0], last], -1))
    model = PlainBiLSTM(nnx.Rngs(0))
elif NAME == "bilstm":
    model = build_model("bilstm", embeddings=vectors, embedding="static")  # d2l freezes GloVe
else:
    model = build_model("textcnn", embeddings=vectors, embedding="multichannel")
optimizer = nnx.Optimizer(model, optax.adam(1e-3), wrt=nnx.Param)

@nnx.jit
def step(model, optimizer, ids, lengths, labels):
    def loss_fn(m):
        logits = m(ids, lengths)
        return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()
    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss

ids = jnp.asarray(rng.integers(2, VOCAB, (BATCH, LENGTH)), jnp.int32)
lengths = jnp.full((BATCH,), LENGTH, jnp.int32)
labels = jnp.asarray(rng.integers(0, 2, BATCH), jnp.int32)
t = time.perf_counter()
step(model, optimizer, ids, lengths, labels).block_until_ready()
compile_s = time.perf_counter() - t
times = []
for _ in range(STEPS):
    t = time.perf_counter()
    step(model, optimizer, ids, lengths, labels).block_until_ready()
    times.append(time.perf_counter() - t)
flush = jax.jit(lambda x, y: x * y)(jnp.float32(1e-20), jnp.float32(1e-19))
print(json.dumps({{
    "model": NAME, "batch": BATCH, "length": LENGTH, "malloc": {malloc!r},
    "parameters": sum(int(np.prod(v.shape)) for v in jax.tree.leaves(nnx.state(model, nnx.Param))),
    "compile_and_first_step_s": compile_s, "step_s_median": float(np.median(times)),
    "step_s_all": times, "examples_per_s": BATCH / float(np.median(times)),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "xla_flushes_denormals": bool(flush == 0.0),
}}))
"""

# (model, tokens, allocator): "textnn" as textnn sets it at import, "system" glibc's defaults
CASES = [
    ("textcnn", 500, "textnn"),
    ("bilstm", 500, "textnn"),
    ("bilstm", 250, "textnn"),
    ("nnx-rnn-bilstm", 500, "textnn"),
    ("textcnn", 500, "system"),
    ("bilstm", 500, "system"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--vocab", type=int, default=50_000)
    parser.add_argument("--quick", action="store_true", help="short sequences, 2 steps (smoke)")
    parser.add_argument("--only", nargs="*", help="run only these models (no results file)")
    args = parser.parse_args()
    results = []
    for name, length, malloc in CASES:
        if args.only and name not in args.only:
            continue
        if args.quick:
            length, args.steps = 32, 2
        code = STEP.format(
            name=name, length=length, steps=args.steps, vocab=args.vocab, malloc=malloc
        )
        row = common.in_subprocess(code, {"TEXTNN_MALLOC": malloc})
        results.append(row)
        print(json.dumps({k: v for k, v in row.items() if k != "step_s_all"}))
    if args.only or args.quick:
        print("quick or partial run: nothing written")
        return
    path = common.write("models", {"cases": results})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
