"""Properties of the readers over generated files: valid rows written in each format read back
exactly, and any bytes at all either read or raise textnn's DataError (never another
exception)."""

import contextlib
import csv
import io
import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textnn.data.formats import READERS, read
from textnn.errors import DataError

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Words of letters (some beyond ASCII), digits and punctuation, quotes and commas among them.
WORD = st.text(
    alphabet=string.ascii_letters + string.digits + "éüßñ中—'\",.;:!?()", min_size=1, max_size=8
)
LINE_TEXT = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
LABEL = st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=1, max_size=6)
ROWS = st.lists(st.tuples(LINE_TEXT, LABEL), min_size=1, max_size=12)
# CSV fields may span lines and hold the delimiter: quoting keeps them whole.
CSV_TEXT = st.lists(st.one_of(WORD, st.sampled_from(["\n", "\t", ",", "a\nb"])), min_size=1).map(
    lambda words: " ".join(words).strip() or "x"
)


def written(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


@SETTINGS
@given(rows=st.lists(st.tuples(CSV_TEXT, LABEL), min_size=1, max_size=12), tab=st.booleans())
def test_csv_and_tsv_rows_read_back_exactly(tmp_path, rows, tab):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t" if tab else ",", lineterminator="\n")
    writer.writerow(["text", "label"])
    writer.writerows(rows)
    raw = read(written(tmp_path, "d.tsv" if tab else "d.csv", buffer.getvalue()))
    assert list(zip(raw.texts, raw.labels, strict=True)) == rows


@SETTINGS
@given(rows=ROWS)
def test_jsonl_rows_read_back_exactly(tmp_path, rows):
    text = "".join(json.dumps({"text": t, "label": y}, ensure_ascii=False) + "\n" for t, y in rows)
    raw = read(written(tmp_path, "d.jsonl", text))
    assert list(zip(raw.texts, raw.labels, strict=True)) == rows


@SETTINGS
@given(rows=ROWS)
def test_fasttext_label_text_and_text_tab_label_lines_read_back_exactly(tmp_path, rows):
    fasttext = "".join(f"__label__{y} {t}\n" for t, y in rows)
    raw = read(written(tmp_path, "d.txt", fasttext))
    assert list(zip(raw.texts, raw.labels, strict=True)) == rows
    label_text = "".join(f"{y}|{t}\n" for t, y in rows)
    raw = read(written(tmp_path, "l.txt", label_text), "label-text", separator="|")
    assert list(zip(raw.texts, raw.labels, strict=True)) == rows
    tabbed = "".join(f"{t}\t{y}\n" for t, y in rows)
    raw = read(written(tmp_path, "t.txt", tabbed), "text-tab-label")
    assert list(zip(raw.texts, raw.labels, strict=True)) == rows


@pytest.mark.parametrize("format", [f for f in READERS if f != "folder"])
@SETTINGS
@given(data=st.binary(max_size=300))
def test_any_bytes_read_or_raise_a_data_error(tmp_path, format, data):
    path = tmp_path / "any.data"
    path.write_bytes(data)
    for on_error in ("raise", "skip"):
        with contextlib.suppress(DataError):
            read(path, format, on_error=on_error)
