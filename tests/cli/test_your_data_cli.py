"""The first hour with your own data, at the command line: every bad input ends in exit
status 2 and one message naming the file, line or field (never a traceback), and what works
says what it did."""

import json
import os
import re
import stat

import pytest
from click.testing import CliRunner

from tests.helpers import toy_csv
from textnn.cli import main

FAST = ["--model", "fasttext", "--embeddings", "none", "--max-length", "16", "--seed", "0"]


def cli(*args, cwd=None):
    """(exit code, stdout + stderr) of `textnn ARGS`, run in-process."""
    before = os.getcwd()
    os.chdir(cwd or before)
    try:
        result = CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(before)
    if result.exit_code not in (0, 2):
        raise AssertionError(f"exit {result.exit_code}: {result.output}") from result.exception
    return result.exit_code, result.output


def refused(*args, match: str):
    """The command fails with exit status 2 and one `error:` line that matches."""
    code, output = cli(*args)
    assert code == 2, output
    assert "Traceback" not in output
    assert "error:" in output
    assert re.search(match, output), output
    return output


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return toy_csv(tmp_path_factory.mktemp("data") / "toy.csv", n=120)


@pytest.fixture(scope="module")
def run(tmp_path_factory, toy):
    out = tmp_path_factory.mktemp("runs") / "run"
    code, output = cli("train", "--data", toy, *FAST, "--epochs", "2", "--out", out)
    assert code == 0, output
    return out


def test_a_misspelt_reader_option(toy, tmp_path):
    refused(
        "train",
        "--data",
        toy,
        "--set",
        "data.options.text_col=text",
        "--out",
        tmp_path / "r",
        match=r"unknown reader option 'text_col'.*did you mean 'text_column'",
    )
    refused(
        "train",
        "--data",
        toy,
        "--option",
        "labl_column=label",
        "--out",
        tmp_path / "r",
        match="did you mean 'label_column'",
    )
    assert not (tmp_path / "r").exists()


def test_an_unknown_encoding(toy, tmp_path):
    refused(
        "train",
        "--data",
        toy,
        "--encoding",
        "utf-99",
        "--out",
        tmp_path / "r",
        match="unknown encoding 'utf-99'",
    )


@pytest.mark.parametrize(
    ("flag", "value"), [("--epochs", "0"), ("--epochs", "-1"), ("--max-length", "0")]
)
def test_settings_that_train_nothing_are_refused_before_anything_is_written(
    toy, tmp_path, flag, value
):
    refused("train", "--data", toy, flag, value, "--out", tmp_path / "r", match="at least 1")
    assert not (tmp_path / "r").exists()


def test_a_missing_file_is_named(tmp_path):
    refused(
        "train",
        "--data",
        tmp_path / "bad" / "nosuch.csv",
        "--out",
        tmp_path / "r",
        match="nosuch.csv: no such file or folder",
    )


def test_a_tab_in_tsv_text(tmp_path):
    f = tmp_path / "r.tsv"
    f.write_text("text\tlabel\na fine film\tyes\nit\ts good\tno\n")
    refused("train", "--data", f, "--out", tmp_path / "r", match=r"r\.tsv, line 3: row has 3")


def test_the_test_file_is_a_flag_and_the_old_spelling_says_where_it_went(toy, tmp_path):
    refused(
        "train",
        "--data",
        toy,
        "--set",
        f"data.options.test={toy}",
        "--out",
        tmp_path / "r",
        match="data.test.*--test FILE",
    )
    code, output = cli(
        "train", "--data", toy, "--test", toy, *FAST, "--epochs", "1", "--out", tmp_path / "r"
    )
    assert code == 0, output
    assert "test 120" in output  # the whole file as the test split, none held out


def test_skipping_bad_lines_is_one_warning_line(tmp_path):
    f = tmp_path / "r.csv"
    f.write_bytes(b"text,label\n" + b"a good film,pos\na bad film,neg\n" * 20 + b"caf\xe9,neg\n")
    code, output = cli(
        "train",
        "--data",
        f,
        *FAST,
        "--epochs",
        "1",
        "--option",
        "on_error=skip",
        "--out",
        tmp_path / "r",
    )
    assert code == 0, output
    assert "warning: skipped 1 bad example(s)" in output and "UserWarning" not in output
    assert "r.csv:42" in output


def test_mixed_labels_warn(tmp_path):
    f = tmp_path / "r.csv"
    f.write_text("text,label\n" + "a good film,pos\na bad film,neg\n" * 10 + "fine,1\nbad,0\n")
    code, output = cli("inspect", f)
    assert code == 0 and "warning: the labels mix numbers and words" in output


def test_inspect_shows_what_will_be_read(tmp_path):
    f = tmp_path / "r.csv"
    f.write_text('review,stars\n"great, really",5\nawful,1\n,3\nfine,5\n')
    code, output = cli(
        "inspect", f, "--option", "text_column=review", "--option", "label_column=stars"
    )
    assert code == 0, output
    assert "columns: review, stars" in output and "1 1, 5 2" in output
    assert "bad lines: 1" in output and "r.csv:4" in output
    code, output = cli(
        "inspect", f, "--json", "--option", "text_column=review", "--option", "label_column=stars"
    )
    info = json.loads(output)
    assert info["format"] == "csv" and info["splits"]["train"]["examples"] == 3
    refused("inspect", f, "--option", "text_colum=review", match="did you mean 'text_column'")


def test_evaluate_from_another_directory_and_on_a_file_of_your_own(run, toy, tmp_path):
    code, output = cli("evaluate", run, "--json", cwd=tmp_path)
    assert code == 0, output
    assert json.loads(output.splitlines()[-1])["examples"] == 12
    latin = tmp_path / "new.csv"
    latin.write_bytes("review,label\ncaf\xe9 great,pos\nawful d\xe9cor,neg\n".encode("latin-1"))
    code, output = cli(
        "evaluate",
        run,
        "--data",
        latin,
        "--encoding",
        "latin-1",
        "--option",
        "text_column=review",
        "--json",
    )
    assert code == 0, output
    assert "has no test split: evaluating on all of its 2 texts" in output
    assert json.loads(output.splitlines()[-1])["examples"] == 2
    refused("evaluate", run, "--data", latin, match="cannot be decoded as utf-8")


def test_predict_reads_other_encodings_and_prints_a_preview(run, tmp_path):
    f = tmp_path / "texts.txt"
    f.write_bytes("caf\xe9 great\n".encode("latin-1") + b"great " * 200_000 + b"\n")
    refused("predict", run, "--file", f, match="line 1.*cannot be decoded as utf-8")
    code, output = cli("predict", run, "--file", f, "--encoding", "latin-1")
    assert code == 0, output
    assert "café great" in output and len(output) < 2_000
    code, output = cli("predict", run, "--file", f, "--encoding", "latin-1", "--json")
    records = [json.loads(line) for line in output.splitlines()]
    assert len(records[1]["text"]) == 200 and records[1]["text"].endswith("…")


def test_every_file_of_a_run_is_readable_by_all(run):
    for path in run.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o044 == 0o044, path.name


def test_help_names_every_reader_option():
    from textnn.data.formats import READERS, reader_options

    code, output = cli("train", "--help")
    assert code == 0
    for format in READERS:
        assert format in output
        for option in reader_options(format):
            assert option in output, (format, option)
    for verb in ("evaluate", "inspect", "finetune"):
        assert "Your own data" in cli(verb, "--help")[1]
