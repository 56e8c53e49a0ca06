"""The wheel carries the fact base: install it in a fresh venv and run from elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(not (ROOT / "pyproject.toml").is_file(), reason="needs the source tree")
def test_wheel_installs_and_runs_from_any_directory(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
    )
    (wheel,) = wheels.glob("spacefacts-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("spacefacts/data/facts.toml")
    assert shipped == (ROOT / "data" / "facts.toml").read_bytes()

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPACEFACTS_")}
    env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
    env["SPACEFACTS_CACHE_DIR"] = str(tmp_path / "cache")
    env["XDG_DATA_HOME"] = str(tmp_path / "data-home")

    def spacefacts(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(bin_dir / "spacefacts"), *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    done = spacefacts("timeline", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    first = json.loads(done.stdout)[0]
    assert (first["id"], first["date"], first["origin"]) == (
        "dongfanghong-1-launch",
        "1970-04-24",
        "shipped",
    )
    validated = spacefacts("validate")
    assert validated.returncode == 0, validated.stdout
    assert spacefacts("show", "no-such-id").returncode == 2
    assert spacefacts("--data", "missing.toml", "timeline").returncode == 3
    hits = json.loads(spacefacts("search", "嫦娥四号", "--json").stdout)
    assert hits[0]["id"] == "change-4"
    # the manual page is installed where `man` looks (PREFIX/share/man/man1), and a LICENSE
    page = env_dir / "share" / "man" / "man1" / "spacefacts.1"
    assert page.read_text(encoding="utf-8").startswith(".TH SPACEFACTS 1")
    with zipfile.ZipFile(wheel) as archive:
        assert any(name.endswith("licenses/LICENSE") for name in archive.namelist())
