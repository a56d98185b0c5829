"""Rows of a list rendered once and kept in the cache, keyed by what they show.

A queue page's fifty rows are most of its rendering time, and the same rows are drawn
again and again (every agent's refresh, every page of a queue). Each row here is kept
under a key made of everything the row prints — its `fragment_key`, a tuple of the
strings and numbers its template reads — with the row template's name, the page's own
switches (`extra`) and the active language. A row is therefore never stale: the moment
anything it shows changes (a status, a name, the minutes left on its SLA clock), its key
changes and it is drawn anew. Keys that nothing asks for any more expire.

The cache is the default one: Redis shared by every web process in production, memory
per process under `make run`.
"""

from collections.abc import Iterable, Mapping, Sequence
from hashlib import blake2b
from typing import Any, Protocol

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

#: How long a row nobody draws stays in the cache.
FRAGMENT_SECONDS = 600


class Keyed(Protocol):
    #: Everything the row's template prints, as plain values (str, int, bool, None,
    #: tuples of them): the row's cache key is made of it.
    fragment_key: tuple[Any, ...]


def render_rows(
    rows: Sequence[Keyed],
    template_name: str,
    extra: Mapping[str, Any] | None = None,
    *,
    name: str = "t",
) -> SafeString:
    """The rows drawn by `template_name` (each as `name`, with `extra` in its context),
    from the cache where a row with the same key was drawn before; in the rows' order."""
    extra = dict(extra or {})
    page_key = repr((template_name, get_language(), sorted(extra.items())))
    keys = [_key(page_key, row.fragment_key) for row in rows]
    found: dict[str, str] = cache.get_many(keys) if keys else {}
    drawn: dict[str, str] = {}
    template = get_template(template_name)
    for key, row in zip(keys, rows, strict=True):
        if key not in found and key not in drawn:
            drawn[key] = str(template.render({name: row, **extra}))
    if drawn:
        cache.set_many(drawn, FRAGMENT_SECONDS)
    # Each part was drawn by a template, which escaped what it printed.
    return mark_safe("".join(found[key] if key in found else drawn[key] for key in keys))


def _key(page_key: str, row_key: Iterable[Any]) -> str:
    digest = blake2b(repr((page_key, tuple(row_key))).encode(), digest_size=20)
    return f"row:{digest.hexdigest()}"
