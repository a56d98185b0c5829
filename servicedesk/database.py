"""Database connection helpers for one-shot processes."""

from django.db import connections


def connect_directly(alias: str = "default") -> None:
    """Use a plain connection instead of the connection pool in this process.

    For a command that runs once per event (`ingest_email` per message): a pool would
    open several connections in the background for one query, and when the server is
    down it waits for its timeout, where a direct connection fails at once (or after
    DATABASE_CONNECT_TIMEOUT). Call it before the first query."""
    options = connections[alias].settings_dict.get("OPTIONS", {})
    options.pop("pool", None)
