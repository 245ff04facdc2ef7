"""``memgit serve``: browse memory in a read-only web viewer on 127.0.0.1."""

from __future__ import annotations

import argparse

from memgit.api import Memory
from memgit.commands.common import Subparsers, add_command


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be between 0 and 65535 (0: any free port)")
    return value


def run(args: argparse.Namespace) -> int:
    memory = Memory.open()
    from memgit.web.server import serve  # Starlette and uvicorn load only for this command

    def announce(line: str) -> None:
        print(line, flush=True)

    return serve(memory, args.port, announce)


def register(sub: Subparsers) -> None:
    p = add_command(
        sub,
        "serve",
        "browse memory in a read-only web viewer on 127.0.0.1 (this machine only)",
        run,
    )
    p.add_argument(
        "--port",
        type=port_number,
        default=37777,
        help="port on 127.0.0.1 (default 37777; 0 picks a free one)",
    )
