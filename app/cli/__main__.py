"""`python -m app.cli`: the same as the `aiflow` console script."""

from app.cli.main import main

main()
