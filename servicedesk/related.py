"""A related record's field read into a list's query as a scalar subquery, not a join.

A list of 50 rows that shows five names of related records (organisation, contact,
group, assignee, service) could join the five tables. On a table with many indexes,
as the ticket table has, PostgreSQL then spends more time planning the query than
running it: the join search weighs every order of the joins against every index
(measured at 200,000 tickets: 2–5 ms to plan a queue page's rows with five joins, 9.5
ms for the API's list with six, against 0.4 ms to run either). A scalar subquery per
name is planned on its own and run once per row shown, by primary key: 0.3–0.5 ms to
plan and about the same to run. Use it for the names a list prints; keep joins (or
select_related) for records a page uses as a whole.
"""

from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery


def related_value(model: type[models.Model], key: str, field: str = "name") -> Subquery:
    """`field` of the `model` row the foreign key column `key` (e.g. "organisation_id")
    points at; NULL when the key is NULL."""
    rows: Any = model._default_manager.filter(pk=OuterRef(key)).order_by().values(field)
    return Subquery(rows[:1])
