"""Kim 2014's sentence corpora: one file per class, one text a line (MR, Subj, CR, MPQA).

None has an official split: report k-fold cross-validation, as Kim 2014 does. Lines break on
'\\n' only: the Latin-1 files hold byte 0x85 (U+0085, which `str.splitlines` would break on)
inside sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textnn.data.builtin import BuiltinDataset, Parsed
from textnn.data.fetch import DataFile, Source
from textnn.data.readers import RawExamples
from textnn.data.text_files import read_text, split_lines
from textnn.errors import DataError

# harvardnlp's copies of the corpora as Kim 2014 used them (sent-conv-torch), at a fixed commit.
KIM_URL = (
    "https://raw.githubusercontent.com/harvardnlp/sent-conv-torch/"
    "d61ded09c99c0199d8c5bca946cd65864de2b296/data/raw/"
)
KIM_CITATION = "used by Kim 2014, Convolutional Neural Networks for Sentence Classification."


def line_parser(labels: Sequence[str], encoding: str, empty_lines: str):
    """A parser of one file per class (keyed by label). `empty_lines`: "error", or "skip" for
    corpora whose files hold a few empty lines (their expected counts leave them out, and the
    dataset's notes say how many)."""

    def parse(paths: dict[str, Path], splits: Sequence[str]) -> Parsed:
        raw = RawExamples()
        for label in labels:
            path = paths[label]
            for number, line in split_lines(read_text(path, encoding=encoding)):
                if not line.strip():
                    if empty_lines == "skip":
                        continue
                    raise DataError("empty line", path=path, line=number)
                raw.texts.append(line.strip())
                raw.labels.append(label)
                raw.where.append((str(path), number))
        return {"train": raw}, None

    return parse


def _file(path: str, url: str, sha256: str, member: str | None = None) -> DataFile:
    return DataFile(path, Source(url, member=member), sha256=sha256)


MR_URL = "https://www.cs.cornell.edu/people/pabo/movie-review-data/rt-polaritydata.tar.gz"

MR = BuiltinDataset(
    name="mr",
    title="Movie Review polarity v1.0 (sentence polarity)",
    citation="Pang and Lee 2005, Seeing stars, ACL; " + KIM_CITATION,
    licence="Research use; see the dataset's README.",
    homepage="https://www.cs.cornell.edu/people/pabo/movie-review-data/",
    label_names=("neg", "pos"),
    files={
        "neg": _file(
            "mr/rt-polarity.neg",
            MR_URL,
            "4ace77d558c3714723843f1d65b60c01e3417b208180f0728808d76ad0eeeaca",
            member="rt-polaritydata/rt-polarity.neg",
        ),
        "pos": _file(
            "mr/rt-polarity.pos",
            MR_URL,
            "2da124ec187a9d5a29c9f04e91c540e02baed5af8868f550a26bd6fd4dbf8bf0",
            member="rt-polaritydata/rt-polarity.pos",
        ),
    },
    split_files={"train": ("neg", "pos")},
    parse=line_parser(("neg", "pos"), "latin-1", empty_lines="error"),
    counts={"train": (5331, 5331)},
    notes="No official split: report 10-fold cross-validation, as Kim 2014 does.",
)


def _kim_corpus(
    name: str,
    files: dict[str, tuple[str, str]],  # label -> (file name in harvardnlp's data/raw, sha256)
    encoding: str,
    empty_lines: str,
    counts: tuple[int, ...],
    **about: str,  # title, citation, licence, homepage, notes
) -> BuiltinDataset:
    """One of harvardnlp's copies of Kim 2014's corpora: a file per class under `name/`."""
    labels = tuple(files)
    return BuiltinDataset(
        name=name,
        label_names=labels,
        files={
            label: _file(f"{name}/{file}", KIM_URL + file, sha)
            for label, (file, sha) in files.items()
        },
        split_files={"train": labels},
        parse=line_parser(labels, encoding, empty_lines),
        counts={"train": counts},
        **about,
    )


SUBJ = _kim_corpus(
    "subj",
    {
        "objective": (
            "subj.objective",
            "5ddc9b44dc60d64d651347fcd7bdd489b0c70661e3f768215c16eea36f51204a",
        ),
        "subjective": (
            "subj.subjective",
            "73a2dcf8dc3cbcc7f068a70ef9f021c86b2a8e4dac81566b7fd015b3e938f2c5",
        ),
    },
    # subj.subjective holds byte 0x85; both files read as Latin-1 (the other is ASCII).
    encoding="latin-1",
    empty_lines="error",
    counts=(5000, 5000),
    title="Subjectivity dataset v1.0 (subjective or objective sentences)",
    citation="Pang and Lee 2004, A Sentimental Education, ACL; " + KIM_CITATION,
    licence="Research use; see the dataset's README.",
    homepage="https://www.cs.cornell.edu/people/pabo/movie-review-data/",
    notes="Lowercased and tokenized sentences (plot summaries are objective, review snippets "
    "subjective). No official split: report 10-fold cross-validation, as Kim 2014 does.",
)

CR = _kim_corpus(
    "cr",
    {
        "neg": ("custrev.neg", "8f29d7fa39f9862764b71f36b193f0674e0056287ffc5bf170edf6db42cc8f83"),
        "pos": ("custrev.pos", "15eeb0b9424043bb3755488e2d8ed97bdaeba464a5c230f213bad075125d2192"),
    },
    encoding="utf-8",
    empty_lines="skip",
    counts=(1366, 2405),
    title="Customer Reviews (product review sentences, positive or negative)",
    citation="Hu and Liu 2004, Mining and Summarizing Customer Reviews, KDD; " + KIM_CITATION,
    licence="Research use; see the authors' page.",
    homepage="https://www.cs.uic.edu/~liub/FBS/sentiment-analysis.html",
    notes="The files hold 4 empty lines, left out: 3,771 sentences (Kim 2014 counts 3,775). "
    "No official split: report 10-fold cross-validation.",
)

MPQA = _kim_corpus(
    "mpqa",
    {
        "neg": ("mpqa.neg", "02e193d98c7715bc6200bb23dc6d2903482bd80c0432c53c3f3738c636df3f72"),
        "pos": ("mpqa.pos", "f4aaafdd63c439fd2d056149f3b5d200416dabb200a8b7d8f4bf9903981ff8a5"),
    },
    encoding="utf-8",
    empty_lines="skip",
    counts=(7292, 3311),
    title="MPQA opinion polarity (short phrases, positive or negative)",
    citation="Wiebe, Wilson and Cardie 2005, Annotating Expressions of Opinions and Emotions in "
    "Language, LREC; " + KIM_CITATION,
    licence="Research use; see the MPQA corpus's licence.",
    homepage="https://mpqa.cs.pitt.edu/",
    notes="Phrases of about 3 words. The files hold 3 empty lines, left out: 10,603 phrases "
    "(Kim 2014 counts 10,606). No official split: report 10-fold cross-validation.",
)
