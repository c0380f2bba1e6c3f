"""Find a data file: an explicit folder, the cache, the offline mirror, then the canonical download.

Every file is named by its path in one layout shared by the cache and the mirror (for example
`uci_sentiment/imdb_labelled.txt`), so a mirror is just a folder laid out like the cache.
Downloads are verified against pinned checksums and moved into the cache atomically, so a crash
never leaves a half-written file where a good one is expected.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from textnn import locations
from textnn.errors import DataError, FetchError

CHUNK = 1 << 20


@dataclass(frozen=True)
class Source:
    """A canonical download: a URL, its pinned checksum(s), and the member to take if an archive."""

    url: str
    md5: str | None = None
    sha256: str | None = None
    size: int | None = None
    member: str | None = None  # path inside a .zip / .tar.* archive; None: the download itself


@dataclass(frozen=True)
class DataFile:
    """One file a dataset needs, by its layout path.

    `sha256` pins the file's own bytes where they are known; `alternatives` are other layout
    paths holding equivalent content that is not byte-identical (such as the mirror's text-only
    IMDb archive): those are accepted without a checksum and verified by the dataset's counts.
    """

    path: str
    source: Source | None = None
    sha256: str | None = None
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Located:
    """Where a file was found, and how ('data_dir', 'cache', 'mirror' or 'download')."""

    path: Path
    origin: str
    verified_by_checksum: bool


def cache_dir() -> Path:
    return locations.home() / "datasets"


def digest(path: Path, algorithm: str = "sha256") -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def verify(path: Path, *, sha256: str | None = None, md5: str | None = None) -> None:
    """Raise DataError if the file's checksum differs from a pinned one."""
    for algorithm, expected in (("sha256", sha256), ("md5", md5)):
        if expected and (actual := digest(path, algorithm)) != expected:
            raise DataError(
                f"{algorithm} is {actual}, expected {expected}: the file is damaged or not the "
                "canonical one. Delete it and try again.",
                path=path,
            )


def candidates(file: DataFile, data_dir: Path | None) -> list[tuple[Path, str, bool]]:
    """Every place the file may already be, in resolution order: (path, origin, is_canonical)."""
    places: list[tuple[Path, str, bool]] = []
    names = [(file.path, True)] + [(alt, False) for alt in file.alternatives]
    roots: list[tuple[Path, str]] = []
    if data_dir is not None:
        roots.append((Path(data_dir).expanduser(), "data_dir"))
    roots.append((cache_dir(), "cache"))
    if (mirror := locations.mirror()) is not None:
        roots.append((mirror, "mirror"))
    for root, origin in roots:
        for name, canonical in names:
            places.append((root / name, origin, canonical))
            if (
                origin == "data_dir"
            ):  # a user's folder may hold the file without the layout's subfolder
                places.append((root / Path(name).name, origin, canonical))
    return places


def status(file: DataFile, data_dir: Path | None = None) -> str:
    """Where the file would come from, without reading it: an origin ('cache', 'mirror', ...;
    naming the file when it is an alternative copy), or 'download' or 'missing'."""
    for path, origin, canonical in candidates(file, data_dir):
        if path.is_file():
            return origin if canonical else f"{origin}: {path.name}"
    return "download" if file.source else "missing"


def locate(file: DataFile, data_dir: Path | None = None, *, download: bool = True) -> Located:
    """Resolve a file to a local path, downloading it into the cache when it is nowhere local."""
    for path, origin, canonical in candidates(file, data_dir):
        if path.is_file():
            # Pinned files are small (text and CSV); checking them on each use is cheap and catches
            # a damaged mirror. Big archives are checked once, when downloaded, and by their counts.
            checked = bool(canonical and file.sha256)
            if checked:
                verify(path, sha256=file.sha256)
            return Located(path, origin, checked)
    if file.source is None or not download:
        raise FetchError(_missing_message(file, data_dir, reason="no download source is known"))
    try:
        path = fetch(file)
    except (OSError, ValueError) as err:  # URLError is an OSError
        raise FetchError(
            _missing_message(file, data_dir, reason=f"the download failed ({err})")
        ) from err
    return Located(path, "download", True)


def _missing_message(file: DataFile, data_dir: Path | None, reason: str) -> str:
    mirror = locations.mirror()
    looked = [str(cache_dir() / file.path)]
    if data_dir is not None:
        looked.insert(0, str(Path(data_dir) / file.path))
    looked.append(str(mirror / file.path) if mirror else "no mirror (TEXTNN_MIRROR is not set)")
    url = f" from {file.source.url}" if file.source else ""
    return (
        f"{file.path!r} is not available: looked in {', '.join(looked)}, and {reason}. "
        f"Download it{url} and put it at {cache_dir() / file.path}, or point TEXTNN_MIRROR at a "
        "folder laid out like the mirror."
    )


def fetch(file: DataFile, progress: bool = True) -> Path:
    """Download the file's source into the cache, verify it, extract the member, move it in."""
    assert file.source is not None
    source = file.source
    target = cache_dir() / file.path
    target.parent.mkdir(parents=True, exist_ok=True)
    downloads = cache_dir() / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    archive = downloads / Path(source.url.split("?")[0]).name
    if not archive.is_file():
        _download(source.url, archive, progress=progress)
        try:
            verify(archive, sha256=source.sha256, md5=source.md5)
        except DataError:
            archive.unlink()
            raise
    if source.member is None:
        if archive != target:
            os.replace(archive, target)
    else:
        _extract_member(archive, source.member, target)
    if file.sha256:
        try:
            verify(target, sha256=file.sha256)
        except DataError:
            target.unlink()
            raise
    return target


def _download(url: str, dest: Path, progress: bool) -> None:
    """Stream a URL into `dest` through a temporary file in the same folder, then rename."""
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(
                total=total, unit="B", unit_scale=True, desc=dest.name, disable=not progress
            ) as bar:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    bar.update(len(chunk))
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _extract_member(archive: Path, member: str, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, open_member(archive, member) as src:
            shutil.copyfileobj(src, out, CHUNK)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def open_member(archive: Path, member: str):
    """A binary file object for one member of a .zip or .tar(.gz/.xz/.bz2) archive."""
    if zipfile.is_zipfile(archive):
        zf = zipfile.ZipFile(archive)
        try:
            return _closing_with(zf.open(member), zf.close)
        except KeyError:
            zf.close()
            raise DataError(f"archive has no member {member!r}", path=archive) from None
    tf = tarfile.open(archive)  # noqa: SIM115 - closed by the returned wrapper
    try:
        extracted = tf.extractfile(member)
    except KeyError:
        extracted = None
    if extracted is None:
        tf.close()
        raise DataError(f"archive has no file member {member!r}", path=archive)
    return _closing_with(extracted, tf.close)


class _closing_with:
    """Wrap a file object so closing it also closes the archive it came from."""

    def __init__(self, f, on_close: Callable[[], None]) -> None:
        self._f, self._on_close = f, on_close

    def __getattr__(self, name):
        return getattr(self._f, name)

    def read(self, *args):
        return self._f.read(*args)

    def close(self) -> None:
        try:
            self._f.close()
        finally:
            self._on_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
