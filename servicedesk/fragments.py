"""Rows of a list (and a list's filter form) drawn once and kept in the cache, keyed by
what they show.

A queue page's fifty rows are most of its rendering time, and the same rows are drawn
again and again (every agent's refresh, every page of a queue). Each row here is kept
under a key made of everything the row prints — its `fragment_key`, a tuple of the
strings and numbers its template reads — with the row template's name, the page's own
switches (`extra`) and the active language. A row is therefore never stale: the moment
anything it shows changes (a status, a name, the minutes left on its SLA clock), its key
changes and it is drawn anew. Keys that nothing asks for any more expire.

The same holds for a form that is on every page of a list (the ticket list's filter):
its key is its data, its errors and every choice of every field, read once.

The template's own source is part of every key, so a deploy that changes a template
never serves what the old one drew. The cache is the default one: Redis shared by every
web process in production, memory per process under `make run`.
"""

from collections.abc import Iterable, Mapping, Sequence
from functools import cache as once
from hashlib import blake2b
from typing import Any, Protocol, cast

from django import forms
from django.core.cache import cache
from django.http import QueryDict
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
    page_key = repr((_source_key(template_name), get_language(), sorted(extra.items())))
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


def render_form(form: forms.Form, template_name: str) -> SafeString:
    """`form` drawn by `template_name` (as `form`), from the cache when the same data,
    errors, initial values and choices were drawn before in this language. The choices
    of model fields are read once here, for the key and the drawing alike."""
    choices = []
    for name, field in form.fields.items():
        if isinstance(field, forms.ChoiceField):
            if isinstance(field, forms.ModelChoiceField):
                # (iter(): list() would ask the iterator its length, a COUNT query)
                field.choices = list(iter(cast(Iterable[Any], field.choices)))
            choices.append((name, _plain(cast(Iterable[Any], field.choices))))
    data = sorted(form.data.lists()) if isinstance(form.data, QueryDict) else form.data
    shown = (
        _source_key(template_name),
        get_language(),
        form.prefix,
        repr(data),
        repr(sorted(form.initial.items())),
        form.errors.get_json_data() if form.is_bound else None,
        choices,
    )
    key = "form:" + blake2b(repr(shown).encode(), digest_size=20).hexdigest()
    html = cache.get(key)
    if html is None:
        html = str(get_template(template_name).render({"form": form}))
        cache.set(key, html, FRAGMENT_SECONDS)
    # Drawn by a template, which escaped what it printed.
    return mark_safe(html)


def _plain(choices: Iterable[Any]) -> list[Any]:
    """Choices as plain strings (model choice values print their primary key)."""
    out: list[Any] = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            out.append((str(value), _plain(label)))
        else:
            out.append((str(value), str(label)))
    return out


@once
def _source_key(template_name: str) -> str:
    """The template's name and a digest of its source, read once per process."""
    template = get_template(template_name)
    source = getattr(getattr(template, "template", None), "source", "")
    return f"{template_name}:{blake2b(source.encode(), digest_size=8).hexdigest()}"


def _key(page_key: str, row_key: Iterable[Any]) -> str:
    digest = blake2b(repr((page_key, tuple(row_key))).encode(), digest_size=20)
    return f"row:{digest.hexdigest()}"
