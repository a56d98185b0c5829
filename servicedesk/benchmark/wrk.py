"""Running wrk (https://github.com/wg/wrk) against one page, or a mix of pages, with the
page's session: a Lua script made for it sends each request as pages.Page.request does
(its targets in turn, with Seq / Cycle / Unique values), counts the answers by status,
and prints the run's figures as one JSON line, which `run` reads back."""

import json
import resource
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

from servicedesk.benchmark.pages import Cycle, Page, Seq, Unique, Value
from servicedesk.benchmark.server import Session

MARK = "BENCH-RESULT "


@dataclass
class Run:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    #: Answers that were not 2xx or 3xx (wrk's count), and socket errors.
    non_2xx_3xx: int
    socket_errors: int
    statuses: dict[int, int] = field(default_factory=dict)
    #: CPU seconds wrk itself used (it shares the machine with the server).
    client_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    return found


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for ASCII text


def _field(name: str, value: Value) -> str:
    key = _lua_string(quote_plus(name))
    if isinstance(value, Seq):
        return f'{{"q", {key}, {value.base}}}'
    if isinstance(value, Cycle):
        values = ", ".join(_lua_string(quote_plus(v)) for v in value.values)
        return f'{{"c", {key}, {{{values}}}}}'
    if isinstance(value, Unique):
        return f'{{"u", {key}, {_lua_string(quote_plus(value.prefix))}}}'
    return f'{{"s", {_lua_string(quote_plus(name) + "=" + quote_plus(value))}}}'


def _headers(page: Page, session: Session) -> str:
    headers = {**session.header_lines(), **page.headers}
    if page.is_post:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())


def _targets(page: Page, session: Session) -> str:
    rows = []
    for target in page.targets:
        fields = dict(target.data)
        if page.is_post:
            fields["csrfmiddlewaretoken"] = session.csrf
        parts = ", ".join(_field(name, value) for name, value in fields.items())
        rows.append(f"{{path = {_lua_string(target.path)}, fields = {{{parts}}}}}")
    return ",\n".join(rows)


def script(pages: list[tuple[Page, Session]], *, tag: str, start: int = 0, threads: int = 1) -> str:
    """A Lua script sending the pages' requests in turn (one page: that page alone), for
    wrk with `threads` threads. `start`: the first request's k (the requests before it
    were sent by the harness itself)."""
    entries = []
    for page, session in pages:
        entries.append(
            f"{{method = {_lua_string(page.method)}, headers = {{{_headers(page, session)}}},\n"
            f"targets = {{\n{_targets(page, session)}\n}}}}"
        )
    return LUA.replace("--PAGES--", ",\n".join(entries)).replace(
        "--CONFIG--",
        f"local tag = {_lua_string(tag)}\nlocal start = {start}\nlocal step = {threads}",
    )


def run(
    url: str,
    lua: str,
    *,
    seconds: int,
    connections: int = 8,
    threads: int = 1,
    workdir: Path,
) -> Run:
    path = workdir / "bench.lua"
    path.write_text(lua)
    command = [
        wrk_binary(),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={path}",
        url,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            data = json.loads(line[len(MARK) :])
            return Run(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                p50_ms=data["p50_us"] / 1000,
                p90_ms=data["p90_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                max_ms=data["max_us"] / 1000,
                non_2xx_3xx=data["status_errors"],
                socket_errors=data["socket_errors"],
                statuses={int(k): v for k, v in data["statuses"].items()},
                client_cpu=client,
            )
    raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")


# One request per call of request(): page p = k mod #pages, then that page's targets in
# turn (k div #pages counts its own requests). Field kinds: s = fixed "name=value",
# q = base + turn, c = values in turn, u = unique (tag, thread, k).
LUA = r"""
--CONFIG--
local pages = {
--PAGES--
}
local threads = {}
local counter = 0
local k = 0
statuses = {}  -- a global: done() reads each thread's with thread:get

function setup(thread)
  thread:set("thread_id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  k = start + thread_id
end

function request()
  local page = pages[(k % #pages) + 1]
  local own = math.floor(k / #pages)
  local n = #page.targets
  local target = page.targets[(own % n) + 1]
  local turn = math.floor(own / n)
  local parts = {}
  for i, f in ipairs(target.fields) do
    local kind = f[1]
    if kind == "s" then
      parts[i] = f[2]
    elseif kind == "q" then
      parts[i] = f[2] .. "=" .. tostring(f[3] + turn)
    elseif kind == "c" then
      parts[i] = f[2] .. "=" .. f[3][(turn % #f[3]) + 1]
    else
      parts[i] = f[2] .. "=" .. f[3] .. tag .. "t" .. thread_id .. "n" .. k
    end
  end
  k = k + step
  local body = nil
  if page.method == "POST" then
    body = table.concat(parts, "&")
  end
  return wrk.format(page.method, target.path, page.headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses")
    for status, count in pairs(counted) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "status_errors": %d, "socket_errors": %d, ' ..
    '"statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout,
    table.concat(parts, ", ")))
end
"""
