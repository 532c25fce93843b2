"""Core node types (the reference's built-in nodes)."""
