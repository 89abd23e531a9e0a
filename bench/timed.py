"""Run a command with its output to a file; print its wall time and the CPU time (user + system)
of it and every process it waited for (an xdist run's workers included), in seconds.

    python bench/timed.py LOG COMMAND...   ->   "12.3 15.8 0" (wall, CPU, the command's exit status)
"""

import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    log, command = argv[0], argv[1:]
    start = time.perf_counter()
    with open(log, "wb") as out:
        code = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{wall:.1f} {usage.ru_utime + usage.ru_stime:.1f} {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
