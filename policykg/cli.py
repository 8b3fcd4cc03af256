"""Console-script entry point (``policykg``); the commands live in ``policykg.api.cli``."""

from policykg.api.cli import main

__all__ = ["main"]
