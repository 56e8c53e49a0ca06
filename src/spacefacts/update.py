"""`spacefacts update`: a newer fact base, fetched, verified and installed atomically.

The only network code of spacefacts, imported by the `update` command alone. A release is a
directory (an https:// or file:// URL) holding `facts.toml` and `SHA256SUMS` (the format of
`sha256sum facts.toml > SHA256SUMS`). Both are downloaded with a bounded size and time; the fact
file must match its checksum, pass the checks `spacefacts validate` makes, and be current to a
date (`as_of`) after the one in use (unless forced). It is then installed beside the personal
file, in `update_dir()`, with `update.json` saying where it came from; every command reads it
instead of the shipped base while its `as_of` is later than the shipped one's.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from spacefacts import factbase, fileio, paths
from spacefacts.errors import ExitCode, SpacefactsError

ENV_URL = "SPACEFACTS_UPDATE_URL"
DEFAULT_URL = "https://github.com/spacefacts/spacefacts/releases/latest/download/"
FACTS, SUMS, INFO = "facts.toml", "SHA256SUMS", "update.json"
MAX_SUMS = 64 * 1024  # bytes of SHA256SUMS
TIMEOUT = 20.0  # seconds a connection or a read may stall
DEADLINE = 120.0  # seconds a whole download may take
_CHUNK = 64 * 1024


class UpdateError(SpacefactsError):
    """A download failed or was refused; nothing was replaced."""

    exit_code = ExitCode.UPDATE


class Download(NamedTuple):
    url: str
    facts: bytes
    as_of: str
    digest: str


class Installed(NamedTuple):
    """What `update.json` says of the installed base."""

    url: str
    as_of: str
    sha256: str
    installed: str


def release_url(given: str | None = None) -> str:
    """The release directory: --url, else $SPACEFACTS_UPDATE_URL, else the project's."""
    import os

    url = given or os.environ.get(ENV_URL) or DEFAULT_URL
    return url if url.endswith("/") else url + "/"


def fetch(base: str, progress: Callable[[int, int | None], None] | None = None) -> Download:
    """Download and check a release's fact base; UpdateError naming the URL on any failure."""
    sums_url, facts_url = base + SUMS, base + FACTS
    expected = _checksum(_get(sums_url, MAX_SUMS), sums_url)
    facts = _get(facts_url, fileio.MAX_FACT_FILE, progress)
    digest = hashlib.sha256(facts).hexdigest()
    if digest != expected:
        raise UpdateError(
            f"{facts_url}: checksum mismatch (sha256 {digest}, {SUMS} says {expected}); "
            "nothing was replaced"
        )
    return Download(facts_url, facts, _validated(facts, facts_url), digest)


def _get(url: str, limit: int, progress: Callable[[int, int | None], None] | None = None) -> bytes:
    """The body of `url`, at most `limit` bytes, within TIMEOUT per read and DEADLINE in all."""
    import urllib.error
    import urllib.request

    if not url.lower().startswith(("https://", "http://", "file://")):
        raise UpdateError(f"{url}: give an https://, http:// or file:// URL")
    request = urllib.request.Request(url, headers={"User-Agent": "spacefacts-update"})
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            status = getattr(response, "status", 200) or 200
            if status != 200:
                raise UpdateError(f"{url}: the server answered {status}; nothing was replaced")
            length = response.headers.get("Content-Length")
            size = int(length) if length and length.isdigit() else None
            if size is not None and size > limit:
                raise UpdateError(f"{url}: {size:,} bytes, over the {limit:,} bytes allowed")
            body = bytearray()
            while True:
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                body += chunk
                if len(body) > limit:
                    raise UpdateError(f"{url}: larger than the {limit:,} bytes allowed")
                if time.monotonic() - start > DEADLINE:
                    raise UpdateError(f"{url}: the download took over {DEADLINE:g} s; stopped")
                if progress is not None:
                    progress(len(body), size)
    except urllib.error.HTTPError as err:
        raise UpdateError(f"{url}: the server answered {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise UpdateError(f"{url}: cannot connect ({_reason(err.reason)})") from None
    except TimeoutError:
        raise UpdateError(f"{url}: no answer within {TIMEOUT:g} s") from None
    except OSError as err:  # a reset connection, a file:// that is not there
        raise UpdateError(f"{url}: {err.strerror or err}") from None
    except ValueError as err:  # a malformed URL
        raise UpdateError(f"{url}: {err}") from None
    if size is not None and len(body) != size:
        raise UpdateError(f"{url}: truncated ({len(body):,} of {size:,} bytes)")
    return bytes(body)


def _reason(reason: object) -> str:
    return getattr(reason, "strerror", None) or str(reason)


def _checksum(raw: bytes, url: str) -> str:
    """The sha256 that SHA256SUMS gives for facts.toml ("HEX  facts.toml" or "HEX *facts.toml")."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise UpdateError(f"{url}: not a checksum file") from None
    for line in text.splitlines():
        parts = line.strip().split(maxsplit=1)
        if len(parts) == 2 and parts[1].lstrip("*") == FACTS:
            digest = parts[0].lower()
            if len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
                return digest
    head = text.lstrip()[:1]
    what = "an HTML page" if head == "<" else "no sha256 line for facts.toml"
    raise UpdateError(f"{url}: {what}, not a checksum file")


def _validated(facts: bytes, url: str) -> str:
    """The as_of of a downloaded fact base that passes the checks of `spacefacts validate`."""
    if facts.lstrip()[:1] == b"<":
        raise UpdateError(f"{url}: an HTML page, not a fact file; nothing was replaced")
    fake = factbase.FactFile(Path("downloaded-facts.toml"), factbase.UPDATED)
    records, problems = factbase.check([fake], {fake.path: facts}, strict=True)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        first = str(errors[0]).removeprefix("downloaded-facts.toml")
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise UpdateError(f"{url}: not a valid fact file{first}{more}; nothing was replaced")
    if records.as_of is None:
        raise UpdateError(f"{url}: the fact file says no as_of date; nothing was replaced")
    return records.as_of


def install(download: Download, forced: bool = False) -> Path:
    """Install a checked download atomically: the fact file, then what it is. A `forced`
    install is used even while the shipped base is newer (the user asked for it)."""
    target = paths.update_dir()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UpdateError(f"cannot create {target}: {err.strerror or err}") from None
    fileio.write_atomic(target / FACTS, download.facts)
    from spacefacts.dates import today

    info = Installed(download.url, download.as_of, download.digest, today())
    about = {**info._asdict(), "forced": forced}
    fileio.write_atomic(target / INFO, json.dumps(about, indent=2).encode() + b"\n")
    return target / FACTS


def installed() -> Installed | None:
    """What update.json says of the installed base; None if there is none (or it is damaged)."""
    try:
        raw = fileio.read_regular(paths.update_dir() / INFO, 64 * 1024)
        data: Any = json.loads(raw)
        return Installed(**{k: str(data[k]) for k in Installed._fields})
    except (SpacefactsError, ValueError, KeyError, TypeError):
        return None


def reset() -> bool:
    """Remove the installed base (back to the shipped one); False if there was none."""
    import contextlib
    import os

    target = paths.update_dir()
    found = False
    for name in (INFO, FACTS):  # what it is, first: the fact file alone is never used
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target / name)
            found = True
    return found
