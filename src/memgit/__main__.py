"""Entry point of the ``memgit`` console script and of ``python -m memgit``.

``memgit hook EVENT`` goes straight to the hook handler: it runs on every tool call and must not
pay for the argument parser or anything the other commands import."""

from __future__ import annotations

import sys


def main() -> int:
    argv = sys.argv[1:]
    if len(argv) == 2 and argv[0] == "hook" and not argv[1].startswith("-"):
        # Claude Code runs this on every tool call: skip the command-line parser entirely.
        from memgit.hooks import main as hook_main

        return hook_main(argv[1:])
    from memgit.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
