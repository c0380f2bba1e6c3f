"""Resolution order and downloads, against a real HTTP server on 127.0.0.1."""

import hashlib
import http.server
import threading
import zipfile
from functools import partial
from pathlib import Path

import pytest

from textnn.data import fetch
from textnn.data.fetch import DataFile, Source
from textnn.errors import DataError, FetchError

CONTENT = b"a great film\t1\nawful\t0\n"
SHA = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def server(tmp_path):
    """Serves tmp_path/www over HTTP on a free loopback port; counts requests."""
    root = tmp_path / "www"
    root.mkdir()
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=root))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()


def make_zip(path: Path, members: dict[str, bytes]) -> str:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_download_verifies_extracts_and_caches(server, isolated_home):
    root, url, requests = server
    md5 = make_zip(root / "bundle.zip", {"inner/data.txt": CONTENT, "other.txt": b"x"})
    file = DataFile(
        "set/data.txt", Source(f"{url}/bundle.zip", md5=md5, member="inner/data.txt"), sha256=SHA
    )
    located = fetch.locate(file)
    assert located.origin == "download"
    assert located.path == isolated_home / "datasets" / "set" / "data.txt"
    assert located.path.read_bytes() == CONTENT
    assert not list(located.path.parent.glob("*.part"))
    # Second time: from the cache, no request.
    again = fetch.locate(file)
    assert again.origin == "cache" and len(requests) == 1


def test_bad_checksum_leaves_nothing_behind(server, isolated_home):
    root, url, _ = server
    (root / "data.txt").write_bytes(CONTENT)
    file = DataFile("set/data.txt", Source(f"{url}/data.txt", sha256="0" * 64))
    with pytest.raises(FetchError, match="sha256 is"):
        fetch.locate(file)
    assert not (isolated_home / "datasets" / "set" / "data.txt").exists()
    assert not list((isolated_home / "datasets" / "downloads").iterdir())


def test_offline_error_says_where_to_put_the_file(isolated_home):
    file = DataFile("set/data.txt", Source("http://127.0.0.1:9/nothing.zip", member="x"))
    with pytest.raises(FetchError) as err:
        fetch.locate(file)
    message = str(err.value)
    assert str(isolated_home / "datasets" / "set" / "data.txt") in message
    assert "TEXTNN_MIRROR" in message
    assert "download failed" in message


def test_resolution_order_data_dir_cache_mirror(tmp_path, isolated_home, monkeypatch):
    file = DataFile("set/data.txt", sha256=SHA)
    mirror = tmp_path / "mirror"
    (mirror / "set").mkdir(parents=True)
    (mirror / "set" / "data.txt").write_bytes(CONTENT)
    monkeypatch.setenv("TEXTNN_MIRROR", str(mirror))
    assert fetch.locate(file).origin == "mirror"
    cached = isolated_home / "datasets" / "set" / "data.txt"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(CONTENT)
    assert fetch.locate(file).origin == "cache"
    user = tmp_path / "mine"
    user.mkdir()
    (user / "data.txt").write_bytes(CONTENT)  # without the layout's subfolder
    assert fetch.locate(file, data_dir=user).path == user / "data.txt"


def test_damaged_pinned_file_is_refused(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "set").mkdir(parents=True)
    (mirror / "set" / "data.txt").write_bytes(CONTENT + b"extra\t1\n")
    monkeypatch.setenv("TEXTNN_MIRROR", str(mirror))
    with pytest.raises(DataError, match="damaged"):
        fetch.locate(DataFile("set/data.txt", sha256=SHA))


def test_alternative_copy_is_accepted_unverified(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "set").mkdir(parents=True)
    (mirror / "set" / "data.tar.xz").write_bytes(b"other bytes")
    monkeypatch.setenv("TEXTNN_MIRROR", str(mirror))
    file = DataFile(
        "set/data.tar.gz",
        Source("http://x/data.tar.gz", md5="0" * 32),
        alternatives=("set/data.tar.xz",),
    )
    located = fetch.locate(file)
    assert located.path.name == "data.tar.xz" and not located.verified_by_checksum
    assert fetch.status(file) == "mirror: data.tar.xz"
