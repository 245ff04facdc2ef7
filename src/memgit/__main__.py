"""Entry point of the ``memgit`` and ``claude-memgit`` console scripts and of ``python -m memgit``.

``memgit hook EVENT`` and ``memgit hook EVENT --contract N`` go straight to the hook handler: it
runs on every tool call and must not pay for the argument parser or anything the other commands
import."""

from __future__ import annotations

import sys


def main() -> int:
    argv = sys.argv[1:]
    if len(argv) in (2, 4) and argv[0] == "hook" and not argv[1].startswith("-"):
        # Claude Code runs this on every tool call: skip the command-line parser entirely.
        import os

        from memgit.hooks import main as hook_main

        code = hook_main(argv[1:])
        # Skip the interpreter's teardown (tens of ms with Whoosh loaded): everything the hook
        # writes is flushed or closed already, and nothing else is pending.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
        return code  # type: ignore[unreachable]  # reached only where os._exit is replaced
    from memgit.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
