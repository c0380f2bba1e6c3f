import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textnn.data import formats, readers, text_files
from textnn.data.load import load_dataset
from textnn.errors import DataError


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_by_name_joins_text_columns(tmp_path):
    f = write(tmp_path / "d.csv", 'title,body,label\nHello,"big, world",pos\nBye,,neg\n')
    raw = readers.read_delimited(f, text_column=["title", "body"], label_column="label")
    assert raw.texts == ["Hello big, world", "Bye"]
    assert raw.labels == ["pos", "neg"]
    assert raw.where == [(str(f), 2), (str(f), 3)]


def test_csv_by_index_without_header(tmp_path):
    f = write(tmp_path / "d.csv", '"3","A title","A \\ntext"\n"1","t","d"\n')
    raw = readers.read_delimited(f, text_column=[1, 2], label_column=0)
    assert raw.labels == ["3", "1"]
    assert raw.texts[1] == "t d"


def test_tsv_by_extension(tmp_path):
    f = write(tmp_path / "d.tsv", "text\tlabel\na, b\t1\n")
    assert formats.read(f).texts == ["a, b"]


def test_missing_column_names_the_header(tmp_path):
    f = write(tmp_path / "d.csv", "sentence,label\nhi,1\n")
    with pytest.raises(DataError) as err:
        readers.read_delimited(f)
    assert "no text column 'text'" in str(err.value)
    assert "['sentence', 'label']" in str(err.value)
    assert err.value.path == str(f)


def test_empty_text_names_file_line_and_field(tmp_path):
    f = write(tmp_path / "d.csv", "text,label\nfine,1\n   ,0\n")
    with pytest.raises(DataError) as err:
        readers.read_delimited(f)
    assert (err.value.path, err.value.line, err.value.field) == (str(f), 3, "text")
    assert "line 3" in str(err.value)


def test_line_numbers_count_multiline_quoted_fields(tmp_path):
    f = write(tmp_path / "d.csv", 'text,label\n"two\nlines",1\nok,\n')
    with pytest.raises(DataError) as err:
        readers.read_delimited(f)
    assert err.value.line == 4
    assert err.value.field == "label"


def test_short_row(tmp_path):
    f = write(tmp_path / "d.csv", "text,label\nonly\n")
    with pytest.raises(DataError, match="row has 1 fields"):
        readers.read_delimited(f)


def test_skip_policy_counts_what_it_skips(tmp_path):
    f = write(tmp_path / "d.csv", "text,label\ngood,1\n ,0\nalso good,0\nshort\n")
    raw = readers.read_delimited(f, on_error="skip")
    assert raw.texts == ["good", "also good"]
    assert [s.line for s in raw.skipped] == [3, 5]
    assert "empty" in raw.skipped[0].reason


def test_undecodable_bytes_name_the_line(tmp_path):
    f = tmp_path / "d.csv"
    f.write_bytes(b"text,label\nok,1\ncaf\xe9,0\n")
    with pytest.raises(DataError) as err:
        readers.read_delimited(f)
    assert err.value.line == 3
    assert "latin-1" in str(err.value)
    assert readers.read_delimited(f, encoding="latin-1").texts[1] == "café"


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        formats.read(tmp_path / "nope.csv")


def test_jsonl(tmp_path):
    rows = [{"text": "a", "label": 1}, {"text": "b", "label": "x"}]
    f = write(tmp_path / "d.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n\n")
    raw = formats.read(f)
    assert raw.texts == ["a", "b"] and raw.labels == ["1", "x"]


@pytest.mark.parametrize(
    ("line", "message", "field"),
    [
        ('{"text": "a"', "invalid JSON", None),
        ('{"label": 1}', "missing key", "text"),
        ('{"text": 5, "label": 1}', "must be a string", "text"),
        ('{"text": "a", "label": {"x": 1}}', "string or an integer", "label"),
        ('{"text": "a", "label": [[1]]}', "string or an integer", "label"),
        ("[1, 2]", "expected a JSON object", None),
    ],
)
def test_jsonl_errors(tmp_path, line, message, field):
    f = write(tmp_path / "d.jsonl", '{"text": "fine", "label": 0}\n' + line + "\n")
    with pytest.raises(DataError, match=message) as err:
        readers.read_jsonl(f)
    assert err.value.line == 2
    assert err.value.field == field


def test_fasttext_format(tmp_path):
    f = write(tmp_path / "d.txt", "__label__pos great film\n__label__neg bad  one\n")
    raw = formats.read(f)
    assert raw.texts == ["great film", "bad one"] and raw.labels == ["pos", "neg"]


def test_fasttext_reads_several_labels_and_rejects_unlabelled(tmp_path):
    f = write(tmp_path / "d.txt", "__label__a __label__b text\n__label__a more\n")
    assert readers.read_fasttext(f).labels == [("a", "b"), "a"]
    f = write(tmp_path / "e.txt", "__label__a fine\njust text\n")
    with pytest.raises(DataError, match="no __label__") as err:
        readers.read_fasttext(f)
    assert err.value.line == 2


def test_text_tab_label_splits_on_last_tab_and_keeps_quotes(tmp_path):
    f = write(tmp_path / "d.txt", 'a "quoted\tthing  \t1\nplain\t0\n')
    raw = formats.read(f)
    assert raw.texts == ['a "quoted\tthing', "plain"]
    assert raw.labels == ["1", "0"]


def test_lines_split_only_on_newline():
    text = "one\x85still one\r\ntwo\n"
    assert list(text_files.split_lines(text)) == [(1, "one\x85still one"), (2, "two")]


def test_folder_per_class(tmp_path):
    for label, texts in {"pos": ["good", "great"], "neg": ["bad"], "unsup": ["?"]}.items():
        (tmp_path / label).mkdir()
        for i, t in enumerate(texts):
            write(tmp_path / label / f"{i}_7.txt", t)
    raw = formats.read(tmp_path)
    assert raw.labels == ["neg", "pos", "pos"]
    assert raw.texts == ["bad", "good", "great"]


def test_folder_with_train_and_test(tmp_path):
    for split in ("train", "test"):
        for label in ("a", "b"):
            (tmp_path / split / label).mkdir(parents=True)
            write(tmp_path / split / label / "1.txt", f"{split} {label}")
    d = load_dataset(tmp_path)
    assert d.label_names == ["a", "b"]
    assert d.test.texts == ["test a", "test b"]


def test_unknown_test_label_names_file_and_line(tmp_path):
    train = write(tmp_path / "train.csv", "text,label\nx,a\ny,b\n")
    test = write(tmp_path / "test.csv", "text,label\nz,a\nw,c\n")
    with pytest.raises(DataError, match="unknown label 'c'") as err:
        load_dataset(train, test=test)
    assert (err.value.path, err.value.line) == (str(test), 3)


def test_labels_sorted_numerically_and_one_class_rejected(tmp_path):
    f = write(tmp_path / "d.csv", "text,label\na,10\nb,2\nc,2\n")
    d = load_dataset(f)
    assert d.label_names == ["2", "10"]
    assert d.train.labels.tolist() == [1, 0, 0]
    f = write(tmp_path / "one.csv", "text,label\na,x\nb,x\n")
    with pytest.raises(DataError, match="only one label"):
        load_dataset(f)


def test_skip_policy_warns_with_count(tmp_path):
    f = write(tmp_path / "d.csv", "text,label\na,1\n,0\nb,0\n")
    with pytest.warns(UserWarning, match="skipped 1 bad example"):
        d = load_dataset(f, on_error="skip")
    assert len(d.train) == 2 and len(d.skipped) == 1


texts = st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), min_size=1).filter(
    lambda t: t.strip() == t and t.strip()
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, st.sampled_from(["pos", "neg", "7"])), min_size=1, max_size=20))
def test_csv_round_trip(tmp_path_factory, rows):
    f = tmp_path_factory.mktemp("csv") / "d.csv"
    with open(f, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    raw = readers.read_delimited(f)
    assert raw.texts == [t for t, _ in rows]
    assert raw.labels == [label for _, label in rows]
