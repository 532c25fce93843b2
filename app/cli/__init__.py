"""The `aiflow` command line: run flows in-process or through a server's REST API, read run history, serve."""
