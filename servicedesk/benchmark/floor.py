"""The floor: a bare Django page beside which every page of the desk is measured. It
renders the newest 50 tickets (number, summary, status, registered) from one indexed
query with a plain template: no base layout, no context processors' extras, no
navigation, served by the same server through the same middleware. Mounted at
/bench/floor/ only when BENCH_FLOOR=1 (servicedesk/urls.py), without a login.

With BENCH_FLOOR=1 the first middleware also counts every request's SQL queries and
sends the count in an `X-Bench-Queries` header (QueryCountMiddleware), so the harness
reads each page's queries from the server it measures.

The core names no app: the rows come from the function settings.BENCH_FLOOR_ROWS names,
each linked to the URL named settings.BENCH_FLOOR_LINK (the composition root names the
tickets')."""

from collections.abc import Callable
from contextlib import ExitStack

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET

ROWS = 50
HEADER = "X-Bench-Queries"


@require_GET
@login_not_required
def floor(request: HttpRequest) -> HttpResponse:
    rows = import_string(settings.BENCH_FLOOR_ROWS)(ROWS)
    return render(request, "bench/floor.html", {"rows": rows, "link": settings.BENCH_FLOOR_LINK})


class QueryCountMiddleware:
    """Counts the SQL queries of each request (every database alias) into X-Bench-Queries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counted))
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response
