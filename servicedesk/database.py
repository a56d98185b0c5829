"""Database connection helpers: the pool's connection check, and a direct connection for
one-shot processes. (Imported by settings: nothing here imports django.db at load.)"""

from psycopg_pool import ConnectionPool


def check_pooled_connection(conn) -> None:
    """psycopg_pool's `check`: each connection is tested before the pool lends it out.

    When one fails, the server has most likely restarted and every idle connection in
    the pool is dead too: they are all tested and replaced at once (`pool.check()`),
    so the waiting request gets a new connection in milliseconds, instead of trying the
    dead ones one by one with the pool's growing pause between tries (1 s, 2 s, 4 s…)."""
    try:
        ConnectionPool.check_connection(conn)
    except Exception:
        pool = getattr(conn, "_pool", None)  # set by psycopg_pool on a lent connection
        if isinstance(pool, ConnectionPool):
            pool.check()
        raise


def connect_directly(alias: str = "default") -> None:
    """Use a plain connection instead of the connection pool in this process.

    For a command that runs once per event (`ingest_email` per message): a pool would
    open several connections in the background for one query, and when the server is
    down it waits for its timeout, where a direct connection fails at once (or after
    DATABASE_CONNECT_TIMEOUT). Call it before the first query."""
    from django.db import connections

    options = connections[alias].settings_dict.get("OPTIONS", {})
    options.pop("pool", None)
