# GPU check: train, predict, evaluate and serve on an accelerator, then a subset of the tests
# there. Not part of CI (CI has no GPU); run by hand on a machine with a CUDA build of JAX:
#
#   TEXTNN_MIRROR=/path/to/mirror bash benchmarks/gpu_check.sh   # logs under $OUT (/tmp/out)
#
# The mirror must hold imdb/, mr/ and glove/ (plain `train --data mr` trains a GloVe TextCNN
# beside its nbsvm). PY is the Python that imports textnn (default python3); WHEELS, when set,
# is a folder of wheels installed first into /tmp/site (a machine with no package index).
# What it printed on an NVIDIA H100 on 2026-12-05: benchmarks/results/gpu_check.log.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 XLA_PYTHON_CLIENT_PREALLOCATE=false
rm -rf /tmp/runs
if [ -n "${WHEELS:-}" ]; then
  rm -rf /tmp/site
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site "$WHEELS"/*.whl || exit 3
  export PYTHONPATH=/tmp/site:$PWD/src
fi
export TEXTNN_HOME=${TEXTNN_HOME:-/tmp/textnn-home}
PY=${PY:-python3}
T="$PY -m textnn.cli"
EPOCHS=${EPOCHS:-2}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 | tail -2
$PY -c "import jax, flax, optax, orbax.checkpoint, fastapi, optuna; print('jax', jax.__version__, 'flax', flax.__version__, 'optax', optax.__version__, 'devices', jax.devices())" || exit 4

step() { echo; echo "== $1 $(date +%T)"; }
timed() { local s=$(date +%s.%N); "$@"; local rc=$?; awk -v a=$s -v b=$(date +%s.%N) -v r=$rc 'BEGIN{printf "[rc=%d, %.1f s]\n", r, b-a}'; }

step "MR: plain textnn train (auto model)"
timed $T train --data mr --out /tmp/runs/mr --overwrite 2>&1 | tail -22
[ -f /tmp/runs/mr/manifest.json ] || exit 6

step "${DATA:-imdb}: TextCNN (demo's settings, random vectors), $EPOCHS epochs"
timed $T train --data ${DATA:-imdb} --model textcnn --embeddings none --tokenizer glove --epochs $EPOCHS \
  --max-length 1000 --set model_options.channels=200 --set model_options.embedding_dropout=0.2 \
  --out /tmp/runs/imdb-cnn --overwrite 2>&1 | tail -22
cp /tmp/runs/imdb-cnn/metrics.json "$OUT/imdb-cnn-metrics.json" 2>/dev/null

step "${DATA:-imdb}: BiLSTM, 1 epoch, max length 500"
timed $T train --data ${DATA:-imdb} --model bilstm --embeddings none --tokenizer glove --epochs 1 \
  --max-length 500 --out /tmp/runs/imdb-bilstm --overwrite 2>&1 | tail -22

step "predict and evaluate"
timed $T predict /tmp/runs/imdb-cnn "A wonderful, moving film." "Dull and far too long." 2>&1 | tail -5
timed $T evaluate /tmp/runs/imdb-cnn 2>&1 | tail -6

[ -f /tmp/runs/imdb-cnn/manifest.json ] || { echo "no run to serve"; exit 5; }
step "serve on loopback"
$T serve /tmp/runs/imdb-cnn --port 8765 > "$OUT/serve.log" 2>&1 &
SP=$!
$PY - <<'EOF2'
import json, time, urllib.request, concurrent.futures as cf
base = "http://127.0.0.1:8765"
t = time.perf_counter()
while True:
    try:
        if urllib.request.urlopen(base + "/readyz").status == 200: break
    except Exception: pass
    if time.perf_counter() - t > 180: raise SystemExit("not ready after 180 s")
    time.sleep(0.5)
print(f"ready after {time.perf_counter() - t:.1f} s")
def post(texts, top_k=None):
    body = {"texts": texts} | ({"top_k": top_k} if top_k else {})
    req = urllib.request.Request(base + "/v1/predict", json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r: return r.status, json.load(r)
print(post(["A moving, beautifully acted film.", "Boring and silly."], 1))
print(urllib.request.urlopen(base + "/v1/info").read()[:500].decode())
import random
words = ("the film was a delight from start to finish and cast is superb but plot dull boring "
         "slow wonderful acting music story not bad great terrible ending moving funny").split()
rng = random.Random(0)
batches = [[" ".join(rng.choices(words, k=rng.randint(5, 400))) for _ in range(64)] for _ in range(88)]
for label, part in (("warm-up", batches[:8]), ("timed", batches[8:])):
    n = len(part)
    t = time.perf_counter()
    with cf.ThreadPoolExecutor(8) as ex: codes = [c for c, _ in ex.map(post, part)]
    dt = time.perf_counter() - t
    print(f"{label}: {n} requests x 64 texts, statuses {set(codes)}, {n*64/dt:.0f} texts/s over {dt:.1f} s")
m = urllib.request.urlopen(base + "/metrics").read().decode().splitlines()
print("\n".join(l for l in m if l.startswith("textnn_") and "bucket" not in l and "_created" not in l)[:1500])
EOF2
kill -TERM $SP; wait $SP; echo "serve exit $?"
tail -5 "$OUT/serve.log"

step "tests on the GPU (not slow, no browser)"
timeout ${TEST_LIMIT:-200} $PY -m pytest -q -x -p no:cacheprovider -m "not slow" \
  tests/models tests/train tests/text tests/runs/test_resume.py tests/serve/test_server.py \
  2>&1 | tail -15
echo "== done $(date +%T)"
