"""Test utilities shipped with the app (like flask.testing): used by tests/ and bench/, never by production code."""
