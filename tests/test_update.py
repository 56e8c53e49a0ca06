"""`spacefacts update` against a real local HTTP server (http.server in a thread): the happy
path (check, install, reset) and every failure, each one line naming the URL, nothing replaced.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from conftest import GOOD, run
from spacefacts import update

NEWER = GOOD.read_text(encoding="utf-8").replace('as_of = "2026-12-01"', 'as_of = "2026-12-20"')


class Release(http.server.BaseHTTPRequestHandler):
    """Serves `files` (path -> (status, body, headers)) and sleeps `delay` before answering."""

    files: ClassVar[dict[str, tuple[int, bytes, dict[str, str]]]] = {}
    delay = 0.0

    def do_GET(self) -> None:
        time.sleep(self.delay)
        status, body, headers = self.files.get(self.path, (404, b"<html>no</html>", {}))
        self.send_response(status)
        for key, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body[: int(headers.get("X-Send", len(body)))])

    def log_message(self, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Release.files, Release.delay = {}, 0.0
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Release)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/release/"
    httpd.shutdown()
    httpd.server_close()


def publish(facts: str | bytes, sums: str | None = None, prefix: str = "/release/") -> None:
    data = facts.encode() if isinstance(facts, str) else facts
    digest = hashlib.sha256(data).hexdigest()
    Release.files[prefix + "facts.toml"] = (200, data, {})
    text = sums if sums is not None else f"{digest}  facts.toml\n"
    Release.files[prefix + "SHA256SUMS"] = (200, text.encode(), {})


def base(*args: str, code: int = 0) -> object:
    """spacefacts with the test fixture as the shipped base's stand-in: the data home (where
    an update installs) is the test's own, from conftest."""
    return run(*args, code=code)


@pytest.fixture(autouse=True)
def _shipped_is_the_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    from spacefacts import paths

    monkeypatch.setattr(paths, "shipped_data", lambda: GOOD)


def test_check_update_and_reset(server: str) -> None:
    publish(NEWER)
    checked = run("update", "--check", "--url", server)
    assert "as of 2026-12-20" in checked.stdout and "newer than" in checked.stdout
    assert update.installed() is None  # --check changes nothing
    done = run("update", "--url", server)
    assert "installed the facts as of 2026-12-20" in done.stderr
    found = update.installed()
    assert found is not None and found.url == server + "facts.toml"
    assert "facts as of 2026-12-20 (updated from " + server in run("--version").stdout
    assert run("timeline", "--json").stdout  # every command reads it
    again = run("update", "--url", server)
    assert "already up to date" in again.stderr
    assert "back to the shipped" in run("update", "--reset").stderr
    assert "facts as of 2026-12-01 (shipped)" in run("--version").stdout


def test_an_older_base_is_refused_unless_forced(server: str) -> None:
    publish(NEWER.replace("2026-12-20", "2026-01-01"))
    assert "already up to date" in run("update", "--url", server).stderr
    assert update.installed() is None
    run("update", "--url", server, "--force")
    assert update.installed() is not None
    # what you forced is what every command reads, though the shipped base is newer
    assert "facts as of 2026-01-01 (updated from " in run("--version").stdout


def test_the_url_can_come_from_the_environment(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(NEWER)
    monkeypatch.setenv("SPACEFACTS_UPDATE_URL", server)
    assert "newer than" in run("update", "--check").stdout


def test_a_file_url_works(tmp_path: Path) -> None:
    (tmp_path / "facts.toml").write_text(NEWER, encoding="utf-8")
    digest = hashlib.sha256(NEWER.encode()).hexdigest()
    (tmp_path / "SHA256SUMS").write_text(f"{digest} *facts.toml\n", encoding="utf-8")
    run("update", "--url", tmp_path.as_uri())
    assert update.installed() is not None


def refused(server: str, message: str, *args: str) -> None:
    result = run("update", "--url", server, *args, code=5)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("spacefacts: error: "), result.stderr
    assert server in lines[0] and message in lines[0], lines[0]
    assert update.installed() is None  # nothing replaced


def test_a_wrong_checksum_is_refused(server: str) -> None:
    publish(NEWER, sums="0" * 64 + "  facts.toml\n")
    refused(server, "checksum mismatch")


def test_an_html_error_page_is_refused(server: str) -> None:
    page = b"<!doctype html><title>Oops</title>"
    Release.files["/release/SHA256SUMS"] = (200, page, {"Content-Type": "text/html"})
    refused(server, "an HTML page")
    publish(b"<html>not facts</html>")
    refused(server, "an HTML page")


def test_a_missing_file_is_the_servers_answer(server: str) -> None:
    refused(server, "404")


def test_a_truncated_download_is_refused(server: str) -> None:
    publish(NEWER)
    status, body, _ = Release.files["/release/facts.toml"]
    Release.files["/release/facts.toml"] = (status, body, {"X-Send": str(len(body) // 2)})
    refused(server, "truncated")


def test_an_oversized_download_is_refused(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    publish(NEWER)
    monkeypatch.setattr("spacefacts.fileio.MAX_FACT_FILE", 1000)
    refused(server, "over the 1,000 bytes allowed")


def test_an_invalid_fact_file_is_refused(server: str) -> None:
    publish(NEWER.replace('id = "dfh-1"', 'id = "Not An Id"'))
    refused(server, "not a valid fact file")


def test_a_server_that_is_down(server: str) -> None:
    dead = "http://127.0.0.1:9/release/"  # the discard port: nothing listens
    result = run("update", "--url", dead, code=5)
    assert "cannot connect" in result.stderr and dead in result.stderr


def test_a_slow_server_times_out(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    publish(NEWER)
    Release.delay = 1.0
    monkeypatch.setattr(update, "TIMEOUT", 0.2)
    refused(server, "no answer within 0.2 s")


def test_only_update_imports_the_network_code() -> None:
    import subprocess
    import sys

    for args, expected in ((["timeline", "--json"], False), (["update", "--help"], False)):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "spacefacts", *args],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert ("urllib.request" in done.stderr) is expected, args
