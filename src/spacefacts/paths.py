"""Where spacefacts keeps its files: the shipped fact base, your personal file, the cache.

Only locations: reading and writing them safely is fileio.py's job.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from spacefacts.errors import PathError

ENV_DATA = "SPACEFACTS_DATA"
ENV_PERSONAL = "SPACEFACTS_PERSONAL"
ENV_CACHE_DIR = "SPACEFACTS_CACHE_DIR"

# --- where things are ----------------------------------------------------------------------


def shipped_data() -> Path:
    """The fact base inside the installed package, or beside the sources in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "facts.toml"
    if packaged.is_file():
        return packaged
    return here.parents[1] / "data" / "facts.toml"


def update_dir() -> Path:
    """Where `spacefacts update` installs a newer fact base (beside the personal file)."""
    return data_home() / "spacefacts" / "update"


def personal_file(given: Path | None = None) -> Path:
    """The personal fact file: `given`, else $SPACEFACTS_PERSONAL, else in data_home()."""
    if given is not None:
        return given
    env = os.environ.get(ENV_PERSONAL)
    if env:
        return Path(env)
    return data_home() / "spacefacts" / "facts.toml"


def data_home() -> Path:
    """$XDG_DATA_HOME if absolute (any platform), else the platform's per-user data directory."""
    xdg = _absolute_env("XDG_DATA_HOME")
    if xdg is not None:
        return xdg
    hint = "set XDG_DATA_HOME, or give --personal"
    if sys.platform == "win32":
        appdata = _absolute_env("APPDATA")
        return appdata if appdata is not None else home(hint) / "AppData" / "Roaming"
    if sys.platform == "darwin":
        return home(hint) / "Library" / "Application Support"
    return home(hint) / ".local" / "share"


def cache_dir() -> Path:
    """Where cache files go: $SPACEFACTS_CACHE_DIR, $XDG_CACHE_HOME/spacefacts, ~/.cache/..."""
    explicit = os.environ.get(ENV_CACHE_DIR)
    if explicit:
        return Path(explicit)
    xdg = _absolute_env("XDG_CACHE_HOME")
    if xdg is None:
        xdg = home(f"set {ENV_CACHE_DIR} or XDG_CACHE_HOME, or use --no-cache") / ".cache"
    return xdg / "spacefacts"


def _absolute_env(name: str) -> Path | None:
    """$NAME as a path if it is set and absolute (the XDG rule: relative values are ignored)."""
    value = os.environ.get(name)
    return Path(value) if value and os.path.isabs(value) else None


def home(hint: str) -> Path:
    """The home directory; PathError saying `hint` (what to set instead) when there is none."""
    try:
        home = Path.home()  # RuntimeError or KeyError: no $HOME and no password entry
    except (RuntimeError, KeyError, OSError):
        home = None
    if home is None or not home.is_absolute():
        raise PathError(f"cannot find your home directory: {hint}")
    return home
