"""The benchmark harness behind `make bench` (issue 14): a realistic data set on
PostgreSQL, the pages served by gunicorn and measured with wrk beside a bare Django page
(the floor), and a profiler for one page.

The core names no app. Each installed app may have a `bench` module (`<app>/bench.py`)
with two functions, found through INSTALLED_APPS (registry.py), in INSTALLED_APPS order:

- `load(ctx: LoadContext) -> None` adds the app's share of the data set, resumably
  (counting what is there and adding the rest);
- `pages(ctx: PageContext) -> list[Page]` the pages of the app to measure.

THIS IS BENCHMARK DATA, NOT BUSINESS LOGIC: the loaders write finished rows in bulk
(COPY on PostgreSQL), status included, around the services and the state machines. Use
the data set only to measure, never to work with.

Modules: registry (discovery), loading (shared loader helpers: COPY, history rows,
search triggers, statistics), pages (what a page is and how its requests vary), floor
(the bare page and the query-count header), server (gunicorn, logins, CPU and memory of
the workers), wrk (Lua scripts, running wrk, reading its results), measure (the run)."""
