"""Human numbers (INC-000123, KB-000045, …) that are never reused, not even after a
delete. Each app keeps its own table of sequences (a concrete subclass), so numbers of
one kind never depend on another app; the counting lives here once."""

from django.db import models


class NumberSequence(models.Model):
    """One row per sequence, incremented under its row lock."""

    name = models.CharField(max_length=20, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"

    @classmethod
    def next_value(cls, name: str, *, count: int = 1) -> int:
        """The last of `count` new numbers. Call inside a transaction: the row stays
        locked until it commits."""
        cls._default_manager.get_or_create(name=name)
        cls._default_manager.filter(name=name).update(last_value=models.F("last_value") + count)
        return cls._default_manager.values_list("last_value", flat=True).get(name=name)
