"""SDK client factories and the shared rules of provider calls: base URLs, timeouts, limits, errors."""
