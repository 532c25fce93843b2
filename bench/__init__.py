"""Benchmarks of the engine and the Socket.IO path (`make bench`); not tests: no pass/fail."""
