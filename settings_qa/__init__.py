"""Shared code of the business-settings QA suite: targets, client, accounts, redaction, CLI."""

__version__ = "0.1.0"
