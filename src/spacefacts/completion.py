"""Shell completion: the script Typer writes for each shell, installed with guarded file I/O.

The scripts come from typer.completion; installing them is done here rather than by Typer's
installer, so that a start-up file (~/.bashrc) is read with the same guarded reader as every
other file (a FIFO or a device there is refused, never waited on) and replaced atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacefacts import fileio
from spacefacts.errors import BadValueError, WriteError

PROG = "spacefacts"
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
_RC_LIMIT = 4 * 1024 * 1024  # bytes of a shell start-up file we are ready to read


def run(shell: str, install: bool, complete_var: str) -> tuple[str, Path | None]:
    """(the completion script, None) to show, or (the script, where it went) once installed."""
    if shell not in SHELLS:
        raise BadValueError(f"unknown shell {shell!r}; give one of {', '.join(SHELLS)}")
    import typer.completion as typer_completion

    script: str = _typer(typer_completion, "get_completion_script")(
        prog_name=PROG, complete_var=complete_var, shell=shell
    )
    if not install:
        return script, None
    if shell in ("powershell", "pwsh"):
        try:
            installer = _typer(typer_completion, "install")
            return script, installer(shell=shell, prog_name=PROG, complete_var=complete_var)[1]
        except (OSError, ValueError) as err:
            raise WriteError(f"cannot install {shell} completion: {err}") from None
    return script, _install(shell, script)


def _typer(module: Any, name: str) -> Any:
    """A function of the public module typer.completion that its type stubs do not export."""
    return getattr(module, name)


def _install(shell: str, script: str) -> Path:
    from spacefacts.paths import home

    root = home("give --show-completion SHELL and install the script yourself")
    if shell == "fish":
        target = root / ".config" / "fish" / "completions" / f"{PROG}.fish"
        _write(target, script + "\n")
        return target
    if shell == "bash":
        target = root / ".bash_completions" / f"{PROG}.sh"
        lines = [f"source '{target}'"]
        rc = root / ".bashrc"
    else:
        target = root / ".zfunc" / f"_{PROG}"
        lines = ["fpath+=~/.zfunc; autoload -Uz compinit; compinit"]
        rc = root / ".zshrc"
    _write(target, script)
    current = ""
    if fileio.exists_checked(rc):
        current = fileio.read_regular(rc, _RC_LIMIT).decode("utf-8", "surrogateescape")
    missing = [line for line in lines if line not in current]
    if missing:
        text = current.rstrip("\n") + "\n" + "".join(f"\n{line}\n" for line in missing)
        fileio.write_atomic(rc, text.lstrip("\n").encode("utf-8", "surrogateescape"))
    return target


def _write(target: Path, text: str) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise WriteError(f"cannot create {target.parent}: {err.strerror or err}") from None
    fileio.write_atomic(target, text.encode("utf-8"))
