"""Helpers every app's bench loader shares: finished rows written in bulk (COPY on
PostgreSQL, bulk_create elsewhere), ids handed out by the loader itself (so history,
comments and ledgers can name their ticket in the same pass), the full-text triggers
paused while a table is loaded and filled in one statement afterwards, and statistics.

Benchmark data only (see servicedesk/benchmark/__init__.py): nothing here runs model code,
signals or simple-history; a loader writes the history rows it wants itself."""

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TextIO, cast

from django.core.management.base import OutputWrapper
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from servicedesk.search.fulltext import FullTextIndex

Row = dict[str, Any]


@dataclass
class LoadContext:
    """What `bench_load` asks of every app's `load(ctx)`."""

    #: Tickets wanted in the data set; the other volumes follow from it (scaled()).
    tickets: int
    seed: int = 1
    #: Rows of the main table per transaction (each batch is committed: a load that is
    #: interrupted resumes from what was committed).
    batch: int = 20_000
    #: The data set spans this many days up to now (tickets, problems, changes, articles).
    span_days: int = 730
    #: True: the full-text triggers are off while their tables load, and the vectors are
    #: computed in one pass afterwards (bench_load --pause-search-triggers). Off by
    #: default: measured on 2 cores, the server computes the vectors on the other core
    #: while Python makes the next rows, so the triggers cost the load nothing, while
    #: the pass afterwards took 10 s per 50,000 tickets and rewrote every row.
    pause_search_triggers: bool = False
    stdout: OutputWrapper | TextIO | None = None
    #: Filled by the loaders for the ones after them and for the report (e.g. logins).
    notes: dict[str, Any] = field(default_factory=dict)

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text if text.endswith("\n") else text + "\n")

    @property
    def span(self) -> timedelta:
        return timedelta(days=self.span_days)

    def scaled(self, per_million: int, *, minimum: int = 1) -> int:
        """`per_million` rows per 1,000,000 tickets wanted, at least `minimum`."""
        return max(minimum, round(self.tickets * per_million / 1_000_000))


class Progress:
    """Prints `label: done / total, rows/s, elapsed` as a load goes on."""

    def __init__(self, ctx: LoadContext, label: str, total: int) -> None:
        self.ctx, self.label, self.total = ctx, label, total
        self.started = time.monotonic()
        self.rows = 0

    def step(self, done: int, *, rows: int = 0) -> None:
        """`done` of the total so far; `rows` written in all tables since the last step."""
        self.rows += rows
        elapsed = max(time.monotonic() - self.started, 1e-6)
        extra = f", {self.rows / elapsed:>8,.0f} rows/s in all tables" if self.rows else ""
        self.ctx.say(
            f"  {self.label}: {done:>10,} / {self.total:,}  {done / elapsed:>7,.0f}/s{extra}  "
            f"{elapsed:7.1f} s"
        )

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


class RowWriter:
    """Writes finished rows of one model, given as {attname: value}; a field left out
    takes its default (auto_now fields: the writer's creation time). `with_pk`: the rows
    carry their primary key (then call reset_sequence afterwards)."""

    def __init__(self, model: type[models.Model], *, with_pk: bool = False) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.names = [f.attname for f in self.fields]
        now = timezone.now()
        postgres = connection.vendor == "postgresql"
        self.defaults = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = now
            elif f.primary_key:
                value = None
            else:
                value = f.get_default()
                if postgres:  # as the database takes it (a JSONField's {} becomes JSON)
                    value = f.get_db_prep_save(value, connection)
            self.defaults[f.attname] = value

    def write(self, rows: Iterable[Row]) -> int:
        """Write the rows in the current transaction; how many were written."""
        if connection.vendor == "postgresql":
            return self._copy(rows)
        names = set(self.names)
        objects = [self.model(**{k: v for k, v in row.items() if k in names}) for row in rows]
        # Benchmark data only: a protected FSM status may be set in the constructor.
        self.model._default_manager.bulk_create(objects, batch_size=500)
        return len(objects)

    def _copy(self, rows: Iterable[Row]) -> int:
        quote = connection.ops.quote_name
        sql = "COPY {} ({}) FROM STDIN".format(
            quote(self.model._meta.db_table),
            ", ".join(quote(cast(str, f.column)) for f in self.fields),
        )
        names, defaults = self.names, self.defaults
        count = 0
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row[n] if n in row else defaults[n] for n in names])
                count += 1
        return count


def history_writer(model: type[models.Model]) -> RowWriter:
    """A writer for the model's simple-history table (history_id from the database)."""
    return RowWriter(model.history.model)  # type: ignore[attr-defined]


def history_row(
    row: Row, *, at: Any, kind: str = "~", user_id: int | None = None, reason: str | None = None
) -> Row:
    """A history row of the record `row` (its values by attname) as of `at`: `kind` is
    simple-history's "+" (created), "~" (changed) or "-" (deleted)."""
    return {
        **row,
        "history_date": at,
        "history_type": kind,
        "history_user_id": user_id,
        "history_change_reason": reason,
    }


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def reset_sequence(model: type[models.Model]) -> None:
    """After rows were written with their own ids: the next id the database hands out
    comes after the highest (PostgreSQL; SQLite's autoincrement follows by itself)."""
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    pk = cast(str, model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "
            f"GREATEST((SELECT max({connection.ops.quote_name(pk)}) FROM "
            f"{connection.ops.quote_name(table)}), 1))",
            [table, pk],
        )


def analyse(*model_list: type[models.Model]) -> float:
    """Fresh planner statistics for these tables (VACUUM ANALYZE outside a transaction
    on PostgreSQL, so the visibility map lets index-only scans work); seconds taken."""
    started = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            for model in model_list:
                cursor.execute(f"{verb} {connection.ops.quote_name(model._meta.db_table)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
    return time.monotonic() - started


@contextmanager
def search_triggers_paused(indexes: Sequence[FullTextIndex]) -> Iterator[None]:
    """PostgreSQL: the full-text triggers of these tables are off while the block loads
    rows (each would compute a tsvector per row and feed the GIN index row by row), and
    on again afterwards whatever happens; call fill_search_vectors after the block. Other
    databases: nothing changes (SQLite's FTS5 triggers keep working, on small volumes)."""
    if connection.vendor != "postgresql" or not indexes:
        yield
        return
    _alter_triggers(indexes, "DISABLE")
    try:
        yield
    finally:
        _alter_triggers(indexes, "ENABLE")


def _alter_triggers(indexes: Sequence[FullTextIndex], verb: str) -> None:
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # Inside a transaction (tests): deferred foreign-key checks still pending
            # would make ALTER TABLE refuse; run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for index in indexes:
            cursor.execute(f"ALTER TABLE {index.table} {verb} TRIGGER {index.name}")
        if connection.in_atomic_block:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def fill_search_vectors(ctx: LoadContext, index: FullTextIndex, *, chunk: int = 100_000) -> int:
    """Compute the search vector of every row that has none (rows loaded while the
    trigger was paused), in chunks of ids, each committed; how many rows were filled."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min({index.primary_key}), max({index.primary_key}) FROM {index.table} "
            "WHERE search_vector IS NULL"
        )
        low, high = cursor.fetchone()
    if low is None:
        return 0
    progress = Progress(ctx, f"search vectors of {index.table}", high - low + 1)
    filled = 0
    for start in range(low, high + 1, chunk):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(index.fill_sql(), [start, start + chunk - 1])
            filled += cursor.rowcount
        progress.step(min(start + chunk, high + 1) - low)
    return filled
