"""The `spacefacts` command and `python -m spacefacts`: start the CLI with the GC paused.

Importing Typer and click creates tens of thousands of objects that live until the process
exits; the cyclic garbage collector would scan them again and again while they are created and
find nothing to free. Pausing it while the CLI is imported, then freezing what was imported (so
that later collections skip it), takes ~8% off every run (README.md, "Performance"). Only the
command does this: importing spacefacts as a library leaves the collector alone.
"""

import gc


def run() -> None:
    """Console-script entry point."""
    gc.disable()
    from spacefacts.cli import main

    gc.freeze()
    gc.enable()
    main()


if __name__ == "__main__":
    run()
