"""What this distribution is called, how to install it, and which command Claude Code runs.

The name ``memgit`` on PyPI belongs to an unrelated project, so the distribution is called
``claude-memgit``. It installs two console scripts with the same entry point: ``memgit``, the
command people type, and ``claude-memgit``, a name only this distribution provides. The plugin's
hooks, the settings hooks and the MCP declaration run ``claude-memgit``, so another program called
``memgit`` on PATH is never run by them (the hook contract is ``CONTRACT``
below).

The hook entry point imports it on every event (for ``EVENTS`` and ``CONTRACT``): keep it free of
imports.
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

#: The Claude Code hook events memgit handles, in the order a session meets them.
EVENTS = (
    "SessionStart",
    "UserPromptSubmit",
    "PostToolUse",
    "PreCompact",
    "Stop",
    "SubagentStop",
    "SessionEnd",
)
#: The newest hook contract this entry point speaks (it also accepts every older one). Hook
#: commands pass theirs with ``--contract N``; a command without it asks for contract 1. Raise it
#: when the arguments or the output a hook command relies on change, and write the new number
#: into the hook commands (``memgit.install.hook_command``).
CONTRACT = 1
