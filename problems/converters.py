"""URL converters of the problems app."""


class ProblemNumber:
    """PRB-000123, in any case (given upper-cased): the problem's own routes never
    shadow the app's others (/problems/new/, …)."""

    regex = "[Pp][Rr][Bb]-[0-9]+"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value
