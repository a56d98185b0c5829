"""Small parsers for what a request carries: one place that turns text into numbers."""


def parse_int(value: object) -> int | None:
    """The integer in `value` (a form or query value), or None when it is missing or not
    a whole number: views pass None on and let the service or the page decide."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
