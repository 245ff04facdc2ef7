"""Extractors turn a chunk of session text into typed candidate observations.

``base`` holds the protocol and the value types; ``heuristic`` works offline; ``anthropic`` and
``claude_cli`` ask Claude; ``select`` picks one from configuration and the environment.
"""
