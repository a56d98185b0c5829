"""URL converters for record numbers (PRB-000123, CHG-000123): a record's routes never
shadow the app's others (/problems/new/, /changes/calendar/, …)."""


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
