"""Mixed load on gunicorn + PostgreSQL: 80 % eligibility checks, 15 % vacancy listings, 5 %
placement transitions, from 50 concurrent clients on loopback.

Run: ``python tests/benchmarks/bench_load.py [--duration 30] [--connections 50]
[--workers 4]`` from the repository root with the venv's python. Needs ``wrk`` on PATH and a
PostgreSQL server (``PATHWAYS_BENCH_POSTGRES_URL``, else ``PATHWAYS_TEST_POSTGRES_URL``, else
the local one); exit 2 without them.

1. A database of its own (created, then dropped) with the reference data and the demo
   (``seed-demo``: applicants, vacancies), one matching round published as proposed
   placements (``pathways match --now --publish``), an officer and an API token.
2. ``gunicorn --workers N`` on it, warmed with eligibility checks and listings.
3. wrk, closed loop (each client sends its next request when the last one is answered, no
   think time), ``--connections`` clients on 2 threads for ``--duration`` seconds. Of every 20
   requests 16 are ``POST /api/v1/eligibility`` (four profiles in turn), 3 are
   ``GET /api/v1/vacancies`` (pages and filters in turn) and 1 is a
   ``POST /api/v1/placements/{id}/transitions`` moving a published placement one step along
   offered → accepted → authorized → visa_issued → arrived → completed (each placement
   belongs to one wrk thread, so two clients never move the same one). Every request carries
   the officer's token; rate limiting is off (all clients come from one address here).

Target: p95 latency under 100 ms with no error (non-2xx, socket error or timeout); the
placements' states are read back and must equal the transitions wrk counted as answered.
Exit 0 when met, 1 when not, 2 when a prerequisite is missing.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import REPO, Harness, die, postgres_database, request  # noqa: E402

NAME = "bench_load"
TARGET_P95_MS = 100.0
EMAIL = "load-officer@example.org"
STEPS = ("offered", "accepted", "authorized", "visa_issued", "arrived", "completed")
# Programs whose visas count against no numeric cap in the shipped data: a transition to
# visa_issued cannot be refused for a full cap, so every transition sent is a legal one.
UNCAPPED = ("US-H2A", "CA-SAWP", "CA-TFWP-AG", "MX-TVTF")
PROFILES = [
    {"nationality": "GT", "birth_date": "1994-05-02", "languages": ["es"],
     "experience_months": 24, "destinations": ["US", "CA", "MX"], "lang": "es"},
    {"nationality": "HN", "birth_date": "1988-11-20", "languages": ["es", "en"],
     "experience_months": 60, "destinations": ["US"], "lang": "es"},
    {"nationality": "SV", "birth_date": "2001-02-14", "languages": ["es"],
     "experience_months": 6, "destinations": ["CA", "MX"], "lang": "es"},
    {"nationality": "GT", "birth_date": "1979-07-30", "languages": ["es", "kek"],
     "experience_months": 120, "destinations": ["MX"], "lang": "es"},
]  # fmt: skip
LISTINGS = [
    "/api/v1/vacancies?page=1&per_page=20",
    "/api/v1/vacancies?page=2&per_page=20",
    "/api/v1/vacancies?program=US-H2A&per_page=20",
    "/api/v1/vacancies?country=CA&status=open&per_page=20",
    "/api/v1/vacancies?q=farm&per_page=20",
]

LUA = r"""
local token = "Bearer __TOKEN__"
local profiles = __PROFILES__
local listings = __LISTINGS__
local placements = __PLACEMENTS__
local steps = __STEPS__
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  -- this thread's placements: every nthreads-th one, starting at its id
  mine = {}
  for i = id, #placements, __THREADS__ do table.insert(mine, placements[i]) end
  k = 0
  moves, sent_moves, elig, lists, bad = 0, 0, 0, 0, 0
  kinds = {}
end

function request()
  k = k + 1
  local slot = k % 20
  local headers = {["Authorization"] = token, ["Content-Type"] = "application/json"}
  if slot == 0 and #mine > 0 then
    local n = sent_moves
    local round = math.floor(n / #mine) + 1
    if round <= #steps then
      sent_moves = sent_moves + 1
      local pid = mine[(n % #mine) + 1]
      table.insert(kinds, "move")
      return wrk.format("POST", "/api/v1/placements/" .. pid .. "/transitions", headers,
                        '{"to": "' .. steps[round] .. '"}')
    end
  end
  if slot == 1 or slot == 8 or slot == 15 then
    table.insert(kinds, "list")
    return wrk.format("GET", listings[(k % #listings) + 1], headers, nil)
  end
  table.insert(kinds, "elig")
  return wrk.format("POST", "/api/v1/eligibility", headers, profiles[(k % #profiles) + 1])
end

function response(status, headers, body)
  local kind = table.remove(kinds, 1)
  if status >= 200 and status < 300 then
    if kind == "move" then moves = moves + 1
    elseif kind == "list" then lists = lists + 1
    else elig = elig + 1 end
  else
    bad = bad + 1
    if bad <= 5 then
      io.stderr:write("non-2xx " .. status .. " " .. tostring(kind) .. ": "
                      .. body:sub(1, 200) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local m, l, e, b, s = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    m = m + t:get("moves"); l = l + t:get("lists"); e = e + t:get("elig")
    b = b + t:get("bad"); s = s + t:get("sent_moves")
  end
  local err = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d "
    .. "p50_us=%d p95_us=%d p99_us=%d max_us=%d elig=%d list=%d move=%d sent_moves=%d bad=%d\n",
    summary.requests, summary.duration, err.status, err.connect, err.read, err.write,
    err.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e, l, m, s, b))
end
"""


def lua_list(values: list[str]) -> str:
    return "{" + ", ".join(json.dumps(v) for v in values) + "}"


def published_placements(url: str) -> list[int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id FROM placement WHERE status = 'proposed' AND program_code = ANY(:p) "
                "ORDER BY id"
            ),
            {"p": list(UNCAPPED)},
        ).all()
    engine.dispose()
    return [r[0] for r in rows]


def states(url: str, ids: list[int]) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT status, count(*) FROM placement WHERE id = ANY(:ids) GROUP BY status"),
            {"ids": ids},
        ).all()
    engine.dispose()
    return {status: n for status, n in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--applicants", type=int, default=3000)
    parser.add_argument("--vacancies", type=int, default=400)
    parser.add_argument(
        "--placements",
        type=int,
        default=250,
        help="placements moved (few enough that most reach visa_issued and its cap check)",
    )
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if not wrk:
        die(NAME, "wrk is not on PATH (Debian: apt-get install -y wrk)")

    threads = 2
    with postgres_database(NAME) as url, Harness(NAME) as h:
        h.env.update(PATHWAYS_DATABASE_URL=url, PYTHONPATH=str(REPO))
        h.prepare_db()
        h.cli("seed-demo", "--applicants", str(args.applicants), "--vacancies",
              str(args.vacancies), "--seed", "31")  # fmt: skip
        h.cli("create-user", "--email", EMAIL, "--role", "officer", "--password",
              "load-password-123")  # fmt: skip
        h.cli("match", "--now", "--publish", timeout=900)
        token = h.cli("issue-token", "--email", EMAIL).strip().splitlines()[-1].strip()
        ids = published_placements(url)[: args.placements]
        if len(ids) < 50:
            die(NAME, f"only {len(ids)} placements to move: seed more applicants", code=1)
        port = h.gunicorn("app", "wsgi:app", workers=args.workers)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for _ in range(10 * args.workers):  # every worker builds its caches
            for profile in PROFILES:
                status, raw = request(port, "POST", "/api/v1/eligibility",
                                      json.dumps(profile).encode(), headers)  # fmt: skip
                if status != 200:
                    die(NAME, f"eligibility answered {status}: {raw[:300]!r}", code=1)
            for path in LISTINGS:
                status, raw = request(port, "GET", path, headers=headers)
                if status != 200:
                    die(NAME, f"{path} answered {status}: {raw[:300]!r}", code=1)
        script = (
            LUA.replace("__TOKEN__", token)
            .replace("__PROFILES__", lua_list([json.dumps(p) for p in PROFILES]))
            .replace("__LISTINGS__", lua_list(LISTINGS))
            .replace("__PLACEMENTS__", "{" + ", ".join(map(str, ids)) + "}")
            .replace("__STEPS__", lua_list(list(STEPS)))
            .replace("__THREADS__", str(threads))
        )
        lua = h.tmp / "mix.lua"
        lua.write_text(script)
        proc = subprocess.run(
            [wrk, "-t", str(threads), "-c", str(args.connections), "-d",
             f"{args.duration}s", "--timeout", "10s", "-s", str(lua),
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, timeout=args.duration + 120,
        )  # fmt: skip
        line = re.search(r"^BENCH (.*)$", proc.stdout, re.M)
        if proc.returncode != 0 or not line:
            die(NAME, f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}", 1)
        assert line is not None
        stats = {k: int(v) for k, v in (kv.split("=") for kv in line.group(1).split())}
        after = states(url, ids)
        server_log = h.log_tail("app", 1500)

    seconds = stats["duration_us"] / 1e6
    errors = sum(stats[k] for k in ("non2xx", "connect", "read", "write", "timeout"))
    # Every answered transition moved one placement one step: the states read back must add
    # up to the same number of steps.
    steps_in_db = sum(n * (STEPS.index(s) + 1) for s, n in after.items() if s in STEPS)
    p95 = stats["p95_us"] / 1000
    print(f"{NAME}: gunicorn --workers {args.workers} on PostgreSQL, wrk -t {threads} "
          f"-c {args.connections} for {seconds:.0f} s (closed loop, no think time)")  # fmt: skip
    print(f"  requests      {stats['requests']:>9,}   {stats['requests'] / seconds:8.0f} req/s")
    print(f"  eligibility   {stats['elig']:>9,}   vacancy lists {stats['list']:,}   "
          f"transitions {stats['move']:,}")  # fmt: skip
    print(f"  latency ms    p50 {stats['p50_us'] / 1000:.1f}   p95 {p95:.1f}   "
          f"p99 {stats['p99_us'] / 1000:.1f}   max {stats['max_us'] / 1000:.1f}")  # fmt: skip
    print(f"  errors        {errors} (non-2xx {stats['non2xx']}, socket "
          f"{errors - stats['non2xx']})")  # fmt: skip
    print(
        f"  placements    {len(ids)} moved {stats['move']} steps; read back {steps_in_db}: {after}"
    )
    if proc.stderr.strip():
        print("  wrk stderr:", proc.stderr.strip()[:800])
    failed = []
    if p95 >= TARGET_P95_MS:
        failed.append(f"p95 {p95:.1f} ms >= {TARGET_P95_MS:.0f} ms")
    if errors:
        failed.append(f"{errors} errors")
    if steps_in_db != stats["move"]:
        failed.append(f"{stats['move']} transitions answered but {steps_in_db} steps stored")
    if failed:
        print(f"{NAME}: TARGET MISSED: {'; '.join(failed)}")
        if errors:
            print(server_log)
        return 1
    print(f"{NAME}: target met (p95 < {TARGET_P95_MS:.0f} ms, zero errors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
