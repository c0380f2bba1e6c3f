"""Foundation benchmark: tokenize + build the vocabulary + encode IMDb's training split, and load
GloVe 6B 50d cold and from cache. Writes benchmarks/results/foundation.json and its section of
docs/benchmarks.md.

Targets (issue 2): tokenize+vocab+encode <= 3 s on 2 cores; GloVe cold <= 15 s, cached <= 1 s.
Needs the data mirror (TEXTNN_MIRROR); `make bench` sets it when ../shared/data exists.

    python benchmarks/bench_foundation.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

TOKENIZE = """
import json, time, gc
from textnn.data import load_dataset
from textnn.text import Tokenizer, build_and_encode
from textnn.text.tokenize import TOKENIZERS
texts = load_dataset("imdb", splits=["train"]).train.texts
out = {}
for name in TOKENIZERS:
    tok = Tokenizer(name)
    tok.tokenize("warm up")
    best = []
    for _ in range(REPEATS):
        gc.collect()
        t = time.perf_counter()
        vocab, ids = build_and_encode(texts, tok)
        best.append(time.perf_counter() - t)
    out[name] = {"seconds": min(best), "all": best, "vocab": len(vocab),
                 "tokens": int(len(ids.ids))}
# The same job through Hugging Face tokenizers (its pipeline from Tokenizer.to_hf): train a
# WordLevel vocabulary, then encode_batch.
from tokenizers.trainers import WordLevelTrainer
for name in ("whitespace", "words", "glove"):
    hf = Tokenizer(name).to_hf()
    t = time.perf_counter()
    hf.train_from_iterator(texts, trainer=WordLevelTrainer(vocab_size=2**31 - 1, min_frequency=0,
                           special_tokens=["<pad>", "<unk>"], show_progress=False))
    ids = [e.ids for e in hf.encode_batch(texts, add_special_tokens=False)]
    out["hf-" + name] = {"seconds": time.perf_counter() - t, "tokens": sum(map(len, ids))}
print(json.dumps(out))
"""

LOAD_VECTORS = """
import json, resource, time
t = time.perf_counter()
from textnn.vectors.pretrained import load_vectors
v = load_vectors(SOURCE)
row = v["the"][:3].tolist()
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "words": len(v), "the": row}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    mirror = os.environ.get("TEXTNN_MIRROR")
    if not mirror or not Path(mirror).is_dir():
        sys.exit("needs the data mirror: set TEXTNN_MIRROR (make bench does)")
    glove_xz = str(Path(mirror) / "glove" / "glove.6B.50d.txt.xz")
    results: dict = {}
    with tempfile.TemporaryDirectory() as home:
        env = {"TEXTNN_HOME": home}
        # Parse IMDb once so the tokenizer timing does not include reading the archive.
        common.in_subprocess(
            "from textnn.data import load_dataset; load_dataset('imdb');print('{}')", env
        )
        code = TOKENIZE.replace("REPEATS", str(args.repeats))
        results["imdb_train_tokenize_vocab_encode"] = common.in_subprocess(code, env)
        load = LOAD_VECTORS.replace("SOURCE", repr(glove_xz))
        results["glove_6b_50d_text_cold"] = common.in_subprocess(load, env)
        results["glove_6b_50d_text_cached"] = common.in_subprocess(load, env)
        package = LOAD_VECTORS.replace("SOURCE", repr("glove-6b-50d"))
        results["glove_6b_50d_package_first"] = common.in_subprocess(package, env)
        results["glove_6b_50d_package_cached"] = common.in_subprocess(package, env)
    path = common.write("foundation", results)
    print(json.dumps(results, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
