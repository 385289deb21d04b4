"""The `portfolio` command: parses arguments, calls one stage, prints, exits."""

from portfolio.cli.main import app, main

__all__ = ["app", "main"]
