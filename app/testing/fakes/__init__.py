"""Local stand-ins for provider APIs and web sites, speaking their wire formats (used by tests, bench/, or by hand)."""
