"""Your own data, read as a new user would write it: each careless input of the first hour is a
clear DataError naming the file, line and field, or the right behaviour."""

import warnings

import pytest

from textnn.data import load_dataset
from textnn.data.formats import check_options, read, reader_options
from textnn.errors import DataError, DataWarning


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_a_misspelt_reader_option_names_the_close_one(tmp_path):
    f = write(tmp_path / "r.csv", "review,label\ngood,pos\nbad,neg\n")
    with pytest.raises(
        DataError, match=r"unknown reader option 'text_col'.*did you mean 'text_colu"
    ):
        load_dataset(f, text_col="review")
    with pytest.raises(DataError, match="unknown format 'jsnl'; did you mean 'jsonl'"):
        check_options("jsnl", {})
    assert "text_column" in reader_options("csv") and "pattern" in reader_options("folder")


def test_an_unknown_encoding_is_a_data_error(tmp_path):
    f = write(tmp_path / "r.csv", "text,label\ngood,pos\nbad,neg\n")
    with pytest.raises(DataError, match="unknown encoding 'latin-9000'") as caught:
        load_dataset(f, encoding="latin-9000")
    assert caught.value.field == "encoding"


def test_a_csv_field_of_a_hundred_thousand_words_is_read(tmp_path):
    long = " ".join(["word"] * 100_000)
    f = write(tmp_path / "r.csv", f'text,label\n"{long}",pos\nshort,neg\n')
    assert read(f).texts[0] == long


def test_labels_that_mix_numbers_and_words_are_warned_about(tmp_path):
    f = write(tmp_path / "r.csv", "text,label\ngood,pos\nbad,neg\nfine,1\nawful,0\n")
    with pytest.warns(DataWarning, match=r"mix numbers and words.*'1' at .*r\.csv:4"):
        data = load_dataset(f)
    assert data.label_names == ["0", "1", "neg", "pos"]  # nothing guessed: four classes
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        load_dataset(write(tmp_path / "ok.csv", "text,label\ngood,1\nbad,0\n"))


def test_a_tab_inside_tsv_text_names_the_line(tmp_path):
    f = write(tmp_path / "r.tsv", "text\tlabel\na fine film\tyes\nit\ts good\tno\n")
    with pytest.raises(DataError, match=r"line 3.*3 fields, the header has 2: is there a tab"):
        load_dataset(f)


def test_a_path_that_does_not_exist_says_so(tmp_path):
    with pytest.raises(DataError, match="no such file or folder"):
        load_dataset(tmp_path / "bad" / "nosuch.csv")
    with pytest.raises(DataError, match="no such file or folder"):
        load_dataset("nosuch.csv")
    with pytest.raises(Exception, match="unknown dataset 'imbd'; did you mean 'imdb'"):
        load_dataset("imbd")


def test_latin1_bytes_are_skipped_under_skip_and_named_otherwise(tmp_path):
    f = write(
        tmp_path / "r.csv", "text,label\ngood film,pos\ncaf\xe9 au lait,neg\nbad,neg\n", "latin-1"
    )
    with pytest.raises(DataError, match=r"line 3.*cannot be decoded as utf-8"):
        load_dataset(f)
    with pytest.warns(DataWarning, match="skipped 1 bad example"):
        data = load_dataset(f, on_error="skip")
    assert data.train.texts == ["good film", "bad"]
    assert [s.line for s in data.skipped] == [3]
    assert load_dataset(f, encoding="latin-1").train.texts[1] == "café au lait"


def test_folder_files_of_any_extension_and_hidden_files_skipped(tmp_path):
    for label in ("pos", "neg"):
        (tmp_path / label).mkdir()
        for i in range(2):
            write(tmp_path / label / f"{i}.text", f"{label} example {i}")
        write(tmp_path / label / ".DS_Store", "\x00junk")
    data = load_dataset(tmp_path)
    assert sorted(data.train.texts)[0] == "neg example 0" and len(data.train) == 4
    with pytest.raises(DataError, match=r"no files matching pattern='\*.txt'.*pattern="):
        load_dataset(tmp_path, pattern="*.txt")


def test_split_folders_may_carry_a_prefix(tmp_path):
    for split in ("sst-train", "sst-test"):
        for label in ("pos", "neg"):
            (tmp_path / split / label).mkdir(parents=True)
            write(tmp_path / split / label / "a.txt", f"{split} {label}")
    data = load_dataset(tmp_path)
    assert set(data.splits) == {"train", "test"} and data.label_names == ["neg", "pos"]
    (tmp_path / "old-train").mkdir()
    with pytest.raises(DataError, match="2 folders could be the train split"):
        load_dataset(tmp_path)


def test_label_then_separator_then_text(tmp_path):
    f = write(tmp_path / "q.txt", "NUM:dist How far is it ?\nLOC:city Where is Paris ?\n")
    data = load_dataset(f, format="label-text")
    assert data.label_names == ["LOC:city", "NUM:dist"]
    assert data.train.texts == ["How far is it ?", "Where is Paris ?"]
    coarse = load_dataset(f, format="label-text", separator=":")
    assert coarse.label_names == ["LOC", "NUM"]
    ft = write(tmp_path / "f.txt", "#pos a fine film\n#neg a dull film\n")
    assert load_dataset(ft, format="label-text", label_prefix="#").label_names == ["neg", "pos"]
    bad = write(tmp_path / "b.txt", "pos a fine film\nnolabel\n")
    with pytest.raises(DataError, match=r"line 2.*no ' ' separator"):
        load_dataset(bad, format="label-text")


def test_blank_lines_are_not_examples_in_any_line_format(tmp_path):
    f = write(tmp_path / "t.txt", "a fine film\tpos\n\n a dull film\tneg\n")
    assert len(load_dataset(f).train) == 2
