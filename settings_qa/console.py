"""What the command-line tools share about their output stream."""

from __future__ import annotations

import os
import sys
from typing import Callable

# What a shell reports for a program its pipe's reader left (128 + SIGPIPE), as for `ls | head`.
EXIT_BROKEN_PIPE = 141


def stdout_gone() -> int:
    """stdout's reader went away (`settings-qa steps | head`): stop quietly, as Unix tools do.

    Points stdout at /dev/null so that the interpreter's last flush does not print a second error.
    Returns the exit code to end with."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (captured in tests): nothing left to silence
        pass
    return EXIT_BROKEN_PIPE


def keep_going(write: Callable[..., None]) -> Callable[..., None]:
    """`write`, made unable to stop the work it reports on: if stdout's reader goes away in the
    middle of a check that has written to a deployment, the check still restores what it changed
    and ends with its own verdict; what it would have printed goes nowhere."""

    def guarded(*args: object, **kwargs: object) -> None:
        try:
            write(*args, **kwargs)
        except BrokenPipeError:
            stdout_gone()

    return guarded
