"""Small data and settings that many tests share: made-up sentiment texts whose label one word
tells, and a fast RunConfig for them."""

import numpy as np

from textnn.config import RunConfig
from textnn.data.dataset import Examples

GOOD = ["great", "wonderful", "superb", "lovely", "brilliant", "delightful"]


BAD = ["awful", "terrible", "dreadful", "boring", "horrible", "painful"]


def toy_csv(path, n=240, seed=0, good=GOOD, bad=BAD):
    """Texts whose label is told by one sentiment word (from `good` or `bad`) among neutral
    filler."""
    rng = np.random.default_rng(seed)
    filler = ["the", "film", "was", "a", "plot", "and", "with", "actors", "it", "story"]
    rows = ["text,label"]
    for i in range(n):
        label = "pos" if i % 2 else "neg"
        words = list(rng.choice(filler, size=rng.integers(3, 12)))
        words.insert(rng.integers(0, len(words)), rng.choice(good if label == "pos" else bad))
        rows.append(f"{' '.join(words)},{label}")
    path.write_text("\n".join(rows) + "\n")
    return path


def config(data, **overrides):
    base = {
        "data.name": str(data),
        "embeddings": None,
        "model": "textcnn",
        "train.epochs": 4,
        "train.batch_size": 32,
        "text.max_length": 32,
        "model_options": {"channels": 16, "embed_dim": 16},
    }
    base.update(overrides)
    return RunConfig().with_overrides(base)


def three_class_csv(path, n=300, seed=5):
    """A new task with other label names and a third class told by words the source never saw
    as a class: 'good', 'bad', and 'neutral' texts with no sentiment word."""
    rng = np.random.default_rng(seed)
    filler = ["the", "film", "was", "a", "plot", "and", "with", "actors", "it", "story"]
    rows = ["text,label"]
    for i in range(n):
        label = ("good", "bad", "neutral")[i % 3]
        words = list(rng.choice(filler, size=rng.integers(3, 12)))
        if label != "neutral":
            words.insert(rng.integers(0, len(words)), rng.choice(GOOD if label == "good" else BAD))
        rows.append(f"{' '.join(words)},{label}")
    path.write_text("\n".join(rows) + "\n")
    return path


FILLER = ["the", "film", "was", "a", "plot", "and", "with", "actors", "it", "story"]


def texts_with(words_by_label: dict[str, list[str]], names: list[str], n: int, seed: int):
    """Examples whose class is told by one word of its list among filler."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n):
        label = i % len(names)
        words = list(rng.choice(FILLER, size=rng.integers(3, 10)))
        words.insert(rng.integers(0, len(words)), rng.choice(words_by_label[names[label]]))
        texts.append(" ".join(words))
        labels.append(label)
    return Examples(texts, np.array(labels, np.int32))


# The teacher knows one half of the sentiment words; the student's labelled texts hold only
# the other half, and its unlabelled and test texts only the teacher's half.
TEACHER_WORDS = {"pos": GOOD[:3], "neg": BAD[:3]}
STUDENT_WORDS = {"pos": GOOD[3:], "neg": BAD[3:]}


def quiet(_):
    return None


TICKET_WORDS = {
    "billing": ["invoice", "charge", "refund", "price"],
    "bug": ["crash", "error", "broken", "fails"],
    "praise": ["love", "great", "thanks", "awesome"],
}


def multilabel_rows(n=360, seed=0):
    """(text, labels) pairs: each text carries one or two labels, each told by words of its
    own among filler; `billing` and `bug` often come together."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        labels = [["billing", "bug"], ["praise"], ["bug"], ["billing"]][i % 4]
        words = list(rng.choice(FILLER, size=rng.integers(3, 8)))
        for label in labels:
            words.insert(rng.integers(0, len(words)), rng.choice(TICKET_WORDS[label]))
        rows.append((" ".join(words), labels))
    return rows


def multilabel_csv(path, n=360, seed=0, separator="|"):
    """`multilabel_rows` as a CSV whose label column holds `separator`-joined lists."""
    lines = ["text,labels"] + [f'{t},"{separator.join(ls)}"' for t, ls in multilabel_rows(n, seed)]
    path.write_text("\n".join(lines) + "\n")
    return path
