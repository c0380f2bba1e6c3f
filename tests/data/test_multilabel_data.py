"""Several labels per text: every reader where a list is natural, the dataset's indicator
matrix, stratified splits, and the errors for bad label lists."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import multilabel_csv
from textnn.data import readers
from textnn.data.load import load_dataset
from textnn.data.splits import stratified_split
from textnn.errors import DataError


def test_a_csv_label_column_with_a_separator(tmp_path):
    data = load_dataset(str(multilabel_csv(tmp_path / "t.csv")), label_column="labels",
                        label_separator="|")  # fmt: skip
    assert data.multilabel and data.label_names == ["billing", "bug", "praise"]
    assert data.train.labels.shape == (360, 3) and data.train.labels.dtype == np.float32
    assert data.train.labels[0].tolist() == [1.0, 1.0, 0.0]
    assert data.train.class_counts(3).tolist() == [180, 180, 90]


def test_fasttext_lines_with_several_labels(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("__label__bug __label__billing my invoice crashed\n__label__praise love it\n")
    raw = readers.read_fasttext(f)
    assert raw.labels == [("bug", "billing"), "praise"] and raw.multilabel
    data = load_dataset(str(f))
    assert data.multilabel and data.train.labels.tolist() == [[1, 1, 0], [0, 0, 1]]


def test_jsonl_label_lists_and_a_text_without_labels(tmp_path):
    f = tmp_path / "t.jsonl"
    rows = [{"text": "refund please", "label": ["billing"]}, {"text": "hello", "label": []},
            {"text": "it fails", "label": ["bug", "bug"]}]  # fmt: skip
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(DataError, match=r"t\.jsonl, line 2.*no label.*allow_no_label"):
        readers.read_jsonl(f)
    raw = readers.read_jsonl(f, allow_no_label=True)
    assert raw.labels == [("billing",), (), ("bug",)]  # a label said twice counts once
    data = load_dataset(str(f), allow_no_label=True)
    assert data.train.labels.tolist() == [[1, 0], [0, 0], [0, 1]]


def test_a_test_file_of_single_labels_joins_multilabel_training_data(tmp_path):
    train = multilabel_csv(tmp_path / "train.csv")
    test = tmp_path / "test.csv"
    test.write_text('text,labels\nmy invoice,"billing"\n')
    data = load_dataset(str(train), test=str(test), label_column="labels", label_separator="|")
    assert data.splits["test"].labels.tolist() == [[1.0, 0.0, 0.0]]


@pytest.mark.parametrize(
    "cell, message",
    [
        ('"bug||billing"', "empty label"),
        ('"bug;billing"', "holds ';'.*label_separator=';'"),
        ('""', "no label"),
    ],
)
def test_bad_label_lists_name_the_line(tmp_path, cell, message):
    f = tmp_path / "t.csv"
    f.write_text(f'text,label\nfine,"bug"\nmy invoice crashed,{cell}\n')
    with pytest.raises(DataError, match=rf"t\.csv, line 3.*{message}"):
        readers.read_delimited(f, label_separator="|")


def test_a_text_tab_label_file_with_lists(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("a crash\tbug\nrefund, now\tbilling,bug\n")
    raw = readers.read_text_tab_label(f, label_separator=",")
    assert raw.labels == [("bug",), ("billing", "bug")]


def test_goemotions_from_the_mirror(mirror):
    data = load_dataset("goemotions")
    assert data.multilabel and len(data.label_names) == 28
    sizes = {name: len(split) for name, split in data.splits.items()}
    assert sizes == {"train": 43410, "validation": 5426, "test": 5427}
    several = (data.train.labels.sum(axis=1) > 1).mean()
    assert 0.15 < several < 0.18  # "about 16% of texts carry 2-5 labels"
    # a text that starts with a quote keeps it (read with quoting off)
    assert any(t.startswith('"') for t in data.train.texts)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=4, max_size=4), min_size=10, max_size=80))
def test_multilabel_splits_partition_the_rows(rows):
    labels = np.array(rows, np.float32)
    kept, held = stratified_split(labels, 0.25, seed=3)
    assert sorted([*kept, *held]) == list(range(len(labels)))
    # every label carried by two or more rows as its rarest keeps a row on each side
    assert len(held) >= 1 and len(kept) >= 1
