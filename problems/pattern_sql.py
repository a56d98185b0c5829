"""The SQL behind the candidate patterns (problems/patterns.py): one query per kind of
pattern, whatever the number of incidents, on PostgreSQL and SQLite alike.

Each query starts from the ORM's own SQL for the recent, uncovered incidents (`recent`),
derives one grouping key per incident (`keyed`; an incident has several keys when it is
grouped by the words of its title), then in the same statement:

    busiest  GROUP BY key with conditional counts (30 days, 7 days, organisations),
             HAVING at least the threshold, the busiest first, LIMIT the candidates;
    ranked   ROW_NUMBER() over each group's incidents, the most recent first;

and returns (key, n30, n7, organisations, incident id) for the first `sample` incidents
of each group. Only the split of a title into words differs between the databases:
PostgreSQL's regexp_split_to_table; on SQLite, the title's punctuation replaced by spaces
and the words read as a JSON array by json_each (SQLite lowercases only ASCII letters:
"VPN" and "vpn" meet there, Cyrillic capitals do not)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from servicedesk.search.stopwords import ALL as LANGUAGE_STOP_WORDS

#: Words too common in incident titles to say what they are about.
DESK_STOP_WORDS = frozenset(
    [
        "again",
        "cannot",
        "customer",
        "customers",
        "does",
        "doesn",
        "down",
        "help",
        "issue",
        "issues",
        "isn",
        "not",
        "please",
        "problem",
        "problems",
        "request",
        "since",
        "still",
        "ticket",
        "today",
        "unable",
        "urgent",
        "working",
        "yesterday",
    ]
)
STOP_WORDS = sorted(w for w in LANGUAGE_STOP_WORDS | DESK_STOP_WORDS if len(w) >= 3)
#: Only the first words of a title count (a title is a line, not a story): at most
#: 66 pairs per incident.
TITLE_WORDS = 12
#: A significant word has at least this many characters and is not only digits.
MIN_WORD_LENGTH = 3
#: SQLite: what separates words like a space, and what is trimmed off a word's ends
#: (PostgreSQL splits on anything that is not a letter or a digit). Replacing costs a
#: pass over every title per character, trimming one call per word: the common
#: separators are replaced, the rare punctuation trimmed.
SEPARATORS = ",.:;!?()[]/-_\t\r\n\u2013\u2014"
TRIMMED = "\"'`#@*=+&~^%$<>{}|\\\u00ab\u00bb\u201c\u201d\u2026"
REPLACES_PER_STEP = 8
#: A word in more of the window's incidents than this share (and this floor) is the
#: desk's phrasing ("customer reports"), not a pattern: a flood on one service still
#: shows as a service or CI pattern.
COMMON_SHARE = 0.1
COMMON_FLOOR = 50

#: Each kind's grouping key, from the `recent` (or, for words, `words`) CTE.
KEYS = {
    "service": (
        "SELECT id, registered_at, organisation_id, CAST(service_id AS TEXT) AS pkey "
        "FROM recent WHERE service_id IS NOT NULL"
    ),
    "ci": (
        "SELECT id, registered_at, organisation_id, CAST(configuration_item_id AS TEXT) AS pkey "
        "FROM recent WHERE configuration_item_id IS NOT NULL"
    ),
    "category": (
        "SELECT id, registered_at, organisation_id, "
        "CAST(service_id AS TEXT) || ':' || category AS pkey "
        "FROM recent WHERE service_id IS NOT NULL AND category <> %s"
    ),
    # Every pair of an incident's words: each word with each of the words after it in
    # alphabetical order (LEAD), rather than a self-join the SQLite planner may run as a
    # nested loop over the whole window.
    "words": "SELECT id, registered_at, organisation_id, pkey FROM pairs WHERE pkey IS NOT NULL",
}


@dataclass(frozen=True)
class GroupRow:
    key: str
    n30: int
    n7: int
    organisations: int
    incident_id: int


def top_groups(
    recent: QuerySet[Any],
    kind: str,
    *,
    since7: datetime,
    minimum: int,
    limit: int,
    sample: int,
    category_other: str,
) -> list[GroupRow]:
    """The `limit` busiest groups of `kind` with at least `minimum` incidents, each with
    the ids of its `sample` most recent incidents: one query."""
    ctes, params = _ctes(recent, kind, category_other)
    sql = f"""{ctes},
busiest AS (
  SELECT pkey, COUNT(*) AS n30,
         SUM(CASE WHEN registered_at >= %s THEN 1 ELSE 0 END) AS n7,
         COUNT(DISTINCT organisation_id) AS organisations
  FROM keyed GROUP BY pkey HAVING COUNT(*) >= %s
  ORDER BY n7 DESC, n30 DESC, pkey LIMIT %s
),
ranked AS (
  SELECT k.pkey, k.id, ROW_NUMBER() OVER (
    PARTITION BY k.pkey ORDER BY k.registered_at DESC, k.id DESC) AS rank_no
  FROM keyed k JOIN busiest g ON g.pkey = k.pkey
)
SELECT g.pkey, g.n30, g.n7, g.organisations, r.id
FROM busiest g JOIN ranked r ON r.pkey = g.pkey
WHERE r.rank_no <= %s
ORDER BY g.n7 DESC, g.n30 DESC, g.pkey, r.rank_no"""
    params += [_when(since7), minimum, limit, sample]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [GroupRow(*row) for row in cursor.fetchall()]


def incidents_of(
    recent: QuerySet[Any], kind: str, key: str, *, limit: int, category_other: str
) -> list[int]:
    """The ids of the group's incidents, the most recent first (at most `limit`)."""
    ctes, params = _ctes(recent, kind, category_other)
    sql = f"""{ctes}
SELECT id FROM keyed WHERE pkey = %s ORDER BY registered_at DESC, id DESC LIMIT %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, key, limit])
        return [row[0] for row in cursor.fetchall()]


def incidents_with_words(recent: QuerySet[Any], words: Sequence[str], *, limit: int) -> list[int]:
    """The ids of the incidents whose title has every one of `words` among its first
    words, the most recent first (at most `limit`)."""
    ctes, params = _word_ctes(recent)
    marks = ", ".join(["%s"] * len(words))
    sql = f"""{ctes}
SELECT id FROM words WHERE word IN ({marks})
GROUP BY id, registered_at HAVING COUNT(*) = %s
ORDER BY registered_at DESC, id DESC LIMIT %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *words, len(set(words)), limit])
        return [row[0] for row in cursor.fetchall()]


# ----- the common table expressions -------------------------------------------------------


def _ctes(recent: QuerySet[Any], kind: str, category_other: str) -> tuple[str, list[Any]]:
    """WITH … recent, [words,] keyed AS (…)"""
    if kind == "words":
        ctes, params = _word_ctes(recent)
        return f"{ctes},\nkeyed AS ({KEYS[kind]})", params
    ctes, params = _recent_cte(recent)
    extra = [category_other] if kind == "category" else []
    return f"WITH {ctes},\nkeyed AS ({KEYS[kind]})", params + extra


def _recent_cte(recent: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = recent.query.get_compiler(using=recent.db).as_sql()
    return f"recent AS ({sql})", list(params)


def _word_ctes(recent: QuerySet[Any]) -> tuple[str, list[Any]]:
    """WITH recent, …, words AS (id, registered_at, organisation_id, word): each
    incident's distinct significant words among the first TITLE_WORDS of its title."""
    base, params = _recent_cte(recent)
    stop = ", ".join(["%s"] * len(STOP_WORDS))
    if connection.vendor == "postgresql":
        # unnest over an array slice rather than regexp_split_to_table: the planner
        # expects 1,000 rows from the latter per title, and past a cost that size
        # PostgreSQL compiles the query with JIT first (a few hundred milliseconds).
        tokens = f"""tokens AS (
  SELECT r.id, r.registered_at, r.organisation_id, t.word
  FROM recent r CROSS JOIN LATERAL
    unnest((regexp_split_to_array(lower(r.title), '[^[:alnum:]]+'))[1:{TITLE_WORDS}]) AS t(word)
)"""
        greatest = "GREATEST"
    else:
        trimmed = _literal(TRIMMED)
        # Materialized: a word is trimmed once, not at each of its uses.
        tokens = f"""{_listed_titles()},
tokens AS MATERIALIZED (
  SELECT l.id, l.registered_at, l.organisation_id, trim(j.value, '{trimmed}') AS word
  FROM listed l, json_each(l.list) AS j
  WHERE j.key < {TITLE_WORDS}
)"""
        greatest = "MAX"
    sql = f"""WITH {base},
{tokens},
significant AS (
  SELECT DISTINCT id, registered_at, organisation_id, word FROM tokens
  WHERE length(word) >= {MIN_WORD_LENGTH} AND {_has_a_non_digit("word")}
    AND word NOT IN ({stop})
),
common AS (
  SELECT word FROM significant GROUP BY word
  HAVING COUNT(*) > {greatest}(%s, (SELECT COUNT(*) FROM recent) * %s)
),
words AS (SELECT * FROM significant WHERE word NOT IN (SELECT word FROM common)),
{_pairs()}"""
    return sql, [*params, *STOP_WORDS, COMMON_FLOOR, COMMON_SHARE]


def _pairs() -> str:
    """pairs (id, registered_at, organisation_id, pkey): "<word> <later word>" for each
    of an incident's words and each word after it (NULL past its last word)."""
    later = range(1, TITLE_WORDS)
    leads = ", ".join(f"LEAD(word, {n}) OVER by_word AS after{n}" for n in later)
    offsets = " UNION ALL ".join(f"SELECT {n}" for n in later)
    partner = "CASE o.n " + " ".join(f"WHEN {n} THEN r.after{n}" for n in later) + " END"
    return f"""ordered AS (
  SELECT id, registered_at, organisation_id, word, {leads}
  FROM words WINDOW by_word AS (PARTITION BY id ORDER BY word)
),
offsets(n) AS ({offsets}),
pairs AS (
  SELECT r.id, r.registered_at, r.organisation_id, r.word || ' ' || {partner} AS pkey
  FROM ordered r CROSS JOIN offsets o
)"""


def _has_a_non_digit(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"{column} ~ '[^0-9]'"
    return f"{column} GLOB '*[^0-9]*'"


def _listed_titles() -> str:
    """SQLite: `listed` (id, registered_at, organisation_id, list), the lowercased title
    as a JSON array of its words, for json_each: SEPARATORS become spaces, runs of
    spaces one, json_quote escapes what JSON must (quotes, control characters) and each
    space becomes '","'. SQLite's parser takes a few nested replace() calls at a time: a
    CTE per step; `listed` is materialized so the chain runs once per title."""
    steps, source, title = [], "recent", "lower(title)"
    for n, start in enumerate(range(0, len(SEPARATORS), REPLACES_PER_STEP)):
        for char in SEPARATORS[start : start + REPLACES_PER_STEP]:
            title = f"replace({title}, '{_literal(char)}', ' ')"
        steps.append(
            f"spaced{n} AS (SELECT id, registered_at, organisation_id, {title} AS title "
            f"FROM {source})"
        )
        source, title = f"spaced{n}", "title"
    single = "replace(replace(replace(trim(title), '    ', ' '), '  ', ' '), '  ', ' ')"
    steps.append(
        "listed AS MATERIALIZED (SELECT id, registered_at, organisation_id, "
        f"""'[' || replace(json_quote({single}), ' ', '","') || ']' AS list FROM {source})"""
    )
    return ",\n".join(steps)


def _literal(text: str) -> str:
    """Text inside an SQL string literal: quotes doubled, "%" doubled for the driver's
    parameter style."""
    return text.replace("'", "''").replace("%", "%%")


def _when(moment: datetime) -> Any:
    """A datetime as the database compares it (SQLite keeps UTC text)."""
    return connection.ops.adapt_datetimefield_value(moment)
