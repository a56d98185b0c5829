"""URL converters: record numbers (PRB-000123, CHG-000123), whose routes never
shadow the app's others (/problems/new/, /changes/calendar/, …), and months (2026-11)."""

from datetime import date


class RecordNumber:
    """A number with the subclass's `prefix`, in any case (given upper-cased)."""

    prefix: str
    regex: str

    def __init_subclass__(cls) -> None:
        letters = "".join(f"[{c.upper()}{c.lower()}]" for c in cls.prefix)
        cls.regex = f"{letters}-[0-9]+"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


class YearMonth:
    """A calendar month, 2026-11, given as the date of its first day."""

    regex = r"[0-9]{4}-(?:0[1-9]|1[0-2])"

    def to_python(self, value: str) -> date:
        year, month = value.split("-")
        return date(int(year), int(month), 1)

    def to_url(self, value: date | str) -> str:
        """A date (any day of the month), or the month already written as 2026-11."""
        return value if isinstance(value, str) else f"{value:%Y-%m}"
