"""Local stand-ins for provider APIs, speaking their wire formats (used by tests, or by hand)."""
