"""memgit: git-native memory for AI coding agents.

``__version__`` is the one place the version is written: the build reads it (pyproject's dynamic
version), ``memgit --version`` prints it, and the plugin manifests must carry the same (tested).
"""

__version__ = "0.2.0"
