"""Index every knowledge article anew: PostgreSQL's search column (the trigger keeps it
afterwards), or SQLite's FTS5 tables. Needed after loading articles with a bulk write that
bypasses both, or after changing how the index is made."""

import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from knowledge.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the knowledge base's full-text search index on the current database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="articles per transaction")

    def handle(self, *args, batch: int, **options) -> None:
        started = time.perf_counter()
        count = rebuild_index(batch=max(1, batch))
        self.stdout.write(
            f"Indexed {count:,} articles on {connection.vendor} "
            f"in {time.perf_counter() - started:.1f} s."
        )
