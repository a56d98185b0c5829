"""A profile's gist (bench_profile): the share of the time in SQL and in template
rendering, and per request the calls that tend to dominate a Django page: translation
look-ups, date formats, get_FOO_display, URL reversing."""

import pstats

#: (label, file suffix, function name, what to read: "time" cumulative or "calls")
MEASURES = [
    ("SQL (executing queries)", "django/db/backends/utils.py", "_execute", "time"),
    ("template rendering", "django/template/backends/django.py", "render", "time"),
    ("translation look-ups", "django/utils/translation/trans_real.py", "gettext", "calls"),
    ("date formats", "django/utils/dateformat.py", "format", "calls"),
    ("get_FOO_display", "django/db/models/base.py", "_get_FIELD_display", "calls"),
    ("reverse()", "django/urls/base.py", "reverse", "calls"),
    ("model instances", "django/db/models/base.py", "__init__", "calls"),
]


def summary(stats: pstats.Stats, requests: int) -> str:
    entries = stats.stats  # type: ignore[attr-defined]  # {(file, line, name): (cc, nc, tt, ct, callers)}
    total = stats.total_tt  # type: ignore[attr-defined]
    parts = []
    for label, suffix, name, what in MEASURES:
        found = [
            value
            for (file, _line, func), value in entries.items()
            if func == name and file.replace("\\", "/").endswith(suffix)
        ]
        if not found:
            continue
        if what == "time":
            cumulative = max(value[3] for value in found)
            share = cumulative / total * 100 if total else 0
            parts.append(f"{label} {share:.0f} % ({cumulative * 1000 / requests:.1f} ms/request)")
        else:
            calls = sum(value[1] for value in found)
            parts.append(f"{calls / requests:,.0f} {label}")
    return "Per request: " + "; ".join(parts) if parts else ""
