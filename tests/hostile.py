"""Running the checker on hostile input as a user would: a real ``replylint`` process under an address-space
limit and a wall-clock timeout, so that a regression shows as a failed test, never as a machine out of memory
or a suite that hangs. The inputs are built by each test at run time; nothing hostile is stored in the tree."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import checker

MEMORY_LIMIT = 1536 * 1024 * 1024  # bytes of address space for the whole checker process
TIMEOUT = 60  # seconds: far above any normal run, far below "hangs"

# the subprocesses import the same checker as this process (installed, or the checkout pytest runs from)
CHECKER_HOME = Path(checker.__file__).resolve().parent.parent
CHILD_ENV = {**os.environ, "PYTHONPATH": str(CHECKER_HOME)}


def limit_memory(limit: int = MEMORY_LIMIT, file_size: int | None = None):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        if file_size is not None:  # a full disk as the child sees it: writing past this size fails (EFBIG);
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))  # Python ignores SIGXFSZ

    return apply


def run_cli(*args: str, memory: int = MEMORY_LIMIT, timeout: float = TIMEOUT, cwd=None, env=None,
            input: bytes | None = None, file_size: int | None = None,
            program: str = "from checker.cli import main; main()") -> subprocess.CompletedProcess:
    """``replylint ARGS`` in a child process; output as bytes (a file name need not be UTF-8). ``file_size``
    bounds every file the child writes (RLIMIT_FSIZE), to play a full disk; ``program`` is the Python code that
    runs the command (a test may set something up first)."""
    return subprocess.run([sys.executable, "-c", program, *args],
                          capture_output=True, timeout=timeout, preexec_fn=limit_memory(memory, file_size),
                          cwd=cwd or CHECKER_HOME, env=env or CHILD_ENV, input=input,
                          stdin=None if input is not None else subprocess.DEVNULL)
