"""Node types (processor plugins), their config models, discovery and mock mode."""
