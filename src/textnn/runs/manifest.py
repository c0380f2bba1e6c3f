"""A run directory's files committed together: each is written to a temporary name, flushed to
disk and renamed into place, and `manifest.json`, written last the same way, lists each file's
size and sha256. A reader checks every listed file against it, so a run torn by a crash
mid-write, or damaged later, is refused with the file named instead of used."""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from pathlib import Path

from textnn.errors import DataError, warn
from textnn.files import write_atomic
from textnn.jsonfile import read_document

MANIFEST, FORMAT, VERSION = "manifest.json", "textnn.manifest", 1


def commit(run_dir: Path, files: dict[str, bytes], *, finished: bool) -> None:
    """Write `files` (name -> bytes) into `run_dir`, then the manifest of them and of the files
    an earlier commit listed that still stand: `finished` False while training goes on (the
    best epoch so far), True once the run is complete."""
    run_dir.mkdir(parents=True, exist_ok=True)
    listed = dict(read_manifest(run_dir).get("files", {})) if (run_dir / MANIFEST).is_file() else {}
    for name, data in files.items():
        write_atomic(run_dir / name, data)
        listed[name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest = {"format": FORMAT, "version": VERSION, "finished": finished, "files": listed}
    write_atomic(run_dir / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())


def read_manifest(run_dir: Path) -> dict:
    return read_document(run_dir / MANIFEST, FORMAT, "run manifest")


def verify(run_dir: Path, *, allow_unfinished: bool = False) -> dict | None:
    """Check every file the manifest lists; None (with a warning) for a run written before
    manifests existed. A missing, resized or changed file, or an unfinished run unless
    `allow_unfinished`, is a DataError naming it and saying what to do."""
    if not (run_dir / MANIFEST).is_file():
        warn(
            f"{run_dir} has no {MANIFEST} (written by an earlier textnn): its files cannot be "
            "checked; train it again to have them checked"
        )
        return None
    manifest = read_manifest(run_dir)
    files = manifest.get("files")
    sound = isinstance(files, dict) and all(
        isinstance(name, str)
        and "/" not in name
        and isinstance(entry, dict)
        and isinstance(entry.get("bytes"), int)
        and isinstance(entry.get("sha256"), str)
        for name, entry in files.items()
    )
    keys = {"format", "version", "finished", "files"}
    version = manifest.get("version")
    if isinstance(version, int) and version > VERSION and set(manifest) >= keys:
        raise DataError("written by a newer textnn; upgrade textnn", path=run_dir / MANIFEST)
    if (
        not sound
        or set(manifest) != keys
        or version != VERSION
        or not isinstance(manifest["finished"], bool)
    ):
        raise DataError(
            "damaged manifest (its file list is not what textnn writes); train the run again "
            "(--overwrite)",
            path=run_dir / MANIFEST,
        )
    for name, expected in files.items():
        path = run_dir / name
        if not path.is_file():
            raise DataError(
                "listed in the run's manifest but missing: the run is incomplete; train it "
                "again (--overwrite)",
                path=path,
            )
        data = path.read_bytes()
        if len(data) != expected["bytes"] or hashlib.sha256(data).hexdigest() != expected["sha256"]:
            raise DataError(
                f"does not match the run's manifest ({len(data):,} bytes, "
                f"{expected['bytes']:,} recorded): the file is damaged or was changed after "
                "the run was written; train it again (--overwrite) or restore the file",
                path=path,
            )
    if not manifest.get("finished") and not allow_unfinished:
        raise DataError(
            "this run's training did not finish (it was stopped or is still going): it holds "
            "the best epoch so far. Train it again with --overwrite, or load it with "
            "allow_unfinished=True to use it as it is",
            path=run_dir,
        )
    return manifest


def clear(run_dir: Path, names: tuple[str, ...], folders: tuple[str, ...] = ()) -> None:
    """Remove a run's files (the manifest first, so that no reader trusts what is left) and
    its `folders` (checkpoints)."""
    for name in (MANIFEST, *names):
        with contextlib.suppress(FileNotFoundError):
            (run_dir / name).unlink()
    for folder in folders:
        shutil.rmtree(run_dir / folder, ignore_errors=True)
