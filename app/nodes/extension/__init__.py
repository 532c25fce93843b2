"""Extension node types (listed by /node/extensions)."""
