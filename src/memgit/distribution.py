"""What this distribution is called, how to install it, and which command Claude Code runs.

The name ``memgit`` on PyPI belongs to an unrelated project, so the distribution is called
``claude-memgit``. It installs two console scripts with the same entry point: ``memgit``, the
command people type, and ``claude-memgit``, a name only this distribution provides. The plugin's
hooks, the settings hooks and the MCP declaration run ``claude-memgit``, so another program called
``memgit`` on PATH is never run by them (the hook contract itself is ``memgit.hooks.CONTRACT``).

Imported by the hook entry point only on its rare paths (a contract it does not know): keep it free
of imports.
"""

DISTRIBUTION = "claude-memgit"
#: The console script that hooks and the MCP declaration run.
COMMAND = "claude-memgit"
#: The first release that installed ``COMMAND`` (and so the first that speaks hook contract 1).
FIRST_RELEASE = "0.2.0"
INSTALL = f"pipx install {DISTRIBUTION}"
INSTALL_UV = f"uv tool install {DISTRIBUTION}"
UPGRADE = f"pipx upgrade {DISTRIBUTION}"
UPGRADE_UV = f"uv tool upgrade {DISTRIBUTION}"
