"""GoEmotions (Demszky et al. 2020): Reddit comments, each with one to five of 27 emotions or
`neutral`; a multi-label dataset with an official train / validation (dev) / test split.

Each line is `text<TAB>label ids, comma-separated<TAB>comment id`, read with quoting off: about
1,400 texts start with a double quote and hold doubled quotes from a CSV export, and a CSV
reader would join lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textnn.data.builtin import BuiltinDataset, Parsed
from textnn.data.fetch import DataFile, Source
from textnn.data.readers import RawExamples
from textnn.data.text_files import read_text, split_lines
from textnn.errors import DataError

EMOTIONS = (
    *("admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion"),
    *("curiosity", "desire", "disappointment", "disapproval", "disgust", "embarrassment"),
    *("excitement", "fear", "gratitude", "grief", "joy", "love", "nervousness", "optimism"),
    *("pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral"),
)

# monologg/GoEmotions-pytorch's copies of google-research's files (same characters), at a fixed
# commit, since google-research's own repository moves.
URL = (
    "https://raw.githubusercontent.com/monologg/GoEmotions-pytorch/"
    "b75f9d3a8b76bc1060687925b04ca98a1b8ea66b/data/original/"
)
FILES = {
    "train": ("train.tsv", "1c254a142be5c00e80d819b9ae1bbd36d94b2eeb8f4b1271846508d57e57d9c5"),
    "validation": ("dev.tsv", "575489c079c9de1097062a01738f998590d6b7ead66dd1c9fd1d2ba01fd8bc62"),
    "test": ("test.tsv", "0587b2dd8b27b97352adbfc3fb083d46005c8946657fdc2b1ca8b1cc7f1f8be4"),
}


# Texts carrying each label, in the order of EMOTIONS.
# fmt: off
COUNTS = {
    "train": (4130, 2328, 1567, 2470, 2939, 1087, 1368, 2191, 641, 1269, 2022, 793, 303, 853,
              596, 2662, 77, 1452, 2086, 164, 1581, 111, 1110, 153, 545, 1326, 1060, 14219),
    "validation": (488, 303, 195, 303, 397, 153, 152, 248, 77, 163, 292, 97, 35, 96, 90, 358,
                   13, 172, 252, 21, 209, 15, 127, 18, 68, 143, 129, 1766),
    "test": (504, 264, 198, 320, 351, 135, 153, 284, 83, 151, 267, 123, 37, 103, 78, 352, 6,
             161, 238, 23, 186, 16, 145, 11, 56, 156, 141, 1787),
}
# fmt: on


def parse(paths: dict[str, Path], splits: Sequence[str]) -> Parsed:
    out = {}
    for split in splits:
        path, raw = paths[split], RawExamples()
        for number, line in split_lines(read_text(path)):
            if not line:
                continue
            fields = line.split("\t")
            if len(fields) != 3:
                raise DataError(
                    f"expected text<TAB>label ids<TAB>comment id, got {len(fields)} fields",
                    path=path,
                    line=number,
                )
            ids = fields[1].split(",")
            if not all(i.isdigit() and int(i) < len(EMOTIONS) for i in ids):
                raise DataError(
                    f"label ids {fields[1]!r} are not numbers 0..{len(EMOTIONS) - 1}",
                    path=path,
                    line=number,
                    field="label",
                )
            raw.texts.append(fields[0])
            raw.labels.append(tuple(EMOTIONS[int(i)] for i in ids))
            raw.where.append((str(path), number))
        out[split] = raw
    return out, None


GOEMOTIONS = BuiltinDataset(
    name="goemotions",
    title="GoEmotions: Reddit comments with 27 emotions and neutral (multi-label)",
    citation="Demszky et al. 2020, GoEmotions: A Dataset of Fine-Grained Emotions, ACL.",
    licence="Apache 2.0 (google-research/google-research).",
    homepage="https://github.com/google-research/google-research/tree/master/goemotions",
    label_names=tuple(EMOTIONS),
    files={
        split: DataFile(f"goemotions/{name}", Source(URL + name), sha256=sha)
        for split, (name, sha) in FILES.items()
    },
    split_files={split: (split,) for split in FILES},
    parse=parse,
    counts=COUNTS,
    texts={"train": 43410, "validation": 5426, "test": 5427},
    notes="Multi-label: 43,410 / 5,426 / 5,427 texts (train / validation / test), about 16% "
    "with 2-5 labels. The paper reports macro F1 over the 28 labels on test: biLSTM 0.41, "
    "BERT-base 0.46. Texts hold placeholders such as [NAME] and [RELIGION].",
)
