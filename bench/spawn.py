"""A tiny process that starts the measured commands, so their peak memory is their own.

Linux counts the memory a child had *before* ``exec`` in its max RSS: a child forked from the
benchmark runner (which holds a whole corpus in memory) would report the runner's size, not its
own. So the runner starts this script once (``python -I -S``, standard library only, ~8 MB) and
asks it to fork and exec each command. One JSON request per line on stdin::

    {"argv": [...], "cwd": "...", "env": {...}, "stdout": "file", "stderr": "file"}

and one JSON answer per line on stdout: ``{"wall_s": ..., "status": ..., "maxrss": ...}``,
where ``wall_s`` runs from fork to reaping, ``status`` is the raw wait status and ``maxrss`` is
``ru_maxrss`` from ``os.wait4`` (KiB on Linux, bytes on macOS).
"""

import json
import os
import sys
import time
from typing import Any


def spawn(request: dict[str, Any]) -> dict[str, Any]:
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: redirect, then become the command
        try:
            os.chdir(request["cwd"])
            for fd, name in ((1, request["stdout"]), (2, request["stderr"])):
                target = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(target, fd)
                os.close(target)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.close(null)
            os.execve(request["argv"][0], request["argv"], request["env"])
        except BaseException as exc:  # exec failed: say why, then leave without cleanup
            os.write(2, f"cannot run {request['argv'][0]}: {exc}\n".encode())
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    return {"wall_s": wall, "status": status, "maxrss": usage.ru_maxrss}


def main() -> None:
    for line in sys.stdin:
        print(json.dumps(spawn(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
