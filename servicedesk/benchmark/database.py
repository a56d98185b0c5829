"""The benchmark's own PostgreSQL database, created when missing (`make bench`)."""

import psycopg
from django.db import connection


def create_if_missing() -> bool:
    """Create the configured PostgreSQL database if it does not exist yet (connecting to
    the server's `postgres` database with the same credentials); True when created."""
    if connection.vendor != "postgresql":
        return False
    settings = connection.settings_dict
    name = settings["NAME"]
    params = {
        "dbname": "postgres",
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
    }
    conninfo = psycopg.conninfo.make_conninfo(
        **{k: str(v) for k, v in params.items() if v is not None}
    )
    with psycopg.connect(conninfo, autocommit=True) as server:
        found = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found:
            return False
        server.execute(f'CREATE DATABASE "{name}"')
    return True
