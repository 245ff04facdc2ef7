"""Entry point of the ``memgit`` console script and of ``python -m memgit``."""

from __future__ import annotations

import sys


def main() -> int:
    argv = sys.argv[1:]
    from memgit.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
