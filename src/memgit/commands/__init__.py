"""One module per command: each parses nothing, calls the library once and prints the result."""
