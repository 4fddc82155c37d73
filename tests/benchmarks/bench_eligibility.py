"""Eligibility endpoint throughput relative to a minimal Flask app, both under gunicorn.

Run: ``python tests/benchmarks/bench_eligibility.py [--duration 10] [--connections 16]``
from the repository root with the venv's python. Needs ``wrk`` on PATH (exit 2 without it).

Issue: "The eligibility endpoint is computation on cached rules." Both servers run as
``gunicorn --workers 2 --log-level warning`` (access log off) on a throwaway SQLite database
with the reference data loaded; each is warmed with 20 requests (so the catalog cache and the
occupation resolver exist in both workers), then driven by wrk with the same JSON POST in the
order hello, eligibility, eligibility, hello. Target: mean eligibility req/s divided by mean
hello req/s >= 0.5, and no non-2xx response or socket error in any run. A variant with
``occupation_title`` (the resolver on the hot path) is reported too, for information only.

Exit 0 when the target is met, 1 when not, 2 when wrk is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Harness, die, post_json  # noqa: E402

NAME = "bench_eligibility"
TARGET_RATIO = 0.5
WARMUP = 20
BODY = {
    "nationality": "GT",
    "birth_date": "1994-05-02",
    "languages": ["es"],
    "experience_months": 24,
    "destinations": ["US", "CA", "MX"],
    "lang": "es",
}
BODY_OCC = {**BODY, "occupation_title": "cortador de café"}
ELIG_PATH = "/api/v1/eligibility"

HELLO_APP = """\
from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def hello():
    return jsonify(status="ok")
"""

LUA = """\
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d "
    .. "p50_us=%d p90_us=%d p99_us=%d\\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
"""


@dataclass
class Run:
    label: str
    rps: float
    requests: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int


def lua_string(text: str) -> str:
    # A Lua long string needs no escaping; the body contains no "]]".
    return "[[" + text + "]]"


def write_lua(path: Path, payload: dict) -> Path:
    body = json.dumps(payload, ensure_ascii=False)
    path.write_text(LUA.format(body=lua_string(body)), encoding="utf-8")
    return path


def run_wrk(label: str, url: str, script: Path, args: argparse.Namespace) -> Run:
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "5s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60)
    out = res.stdout
    if res.returncode != 0:
        die(NAME, f"wrk failed ({res.returncode}) on {label}:\n{out}{res.stderr}", code=1)
    m = re.search(r"^BENCH (.*)$", out, re.M)
    rps_m = re.search(r"Requests/sec:\s*([\d.]+)", out)
    if not m or not rps_m:
        die(NAME, f"could not read wrk's output for {label}:\n{out}{res.stderr}", code=1)
    assert m is not None and rps_m is not None
    f = {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    # wrk prints "Non-2xx or 3xx responses: N" only when N > 0; cross-check with done().
    line = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    non2xx = max(f["non2xx"], int(line.group(1)) if line else 0)
    return Run(
        label,
        float(rps_m.group(1)),
        f["requests"],
        f["p50_us"] / 1000,
        f["p90_us"] / 1000,
        f["p99_us"] / 1000,
        non2xx,
        f["connect"] + f["read"] + f["write"] + f["timeout"],
    )


def warm(port: int, path: str, payload: dict, what: str, check_results: bool) -> int:
    """WARMUP requests, each on a new connection (gunicorn spreads them over both workers)."""
    programs = 0
    for _ in range(WARMUP):
        status, data = post_json(port, path, payload)
        if status != 200:
            die(NAME, f"warm-up of {what} answered {status}: {str(data)[:800]}", code=1)
        if check_results:
            if not isinstance(data, dict) or not data.get("results"):
                die(NAME, f"{what}: no results in the response: {str(data)[:800]}", code=1)
            programs = len(data["results"])
    return programs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if not 1 <= args.duration <= 120 or not 1 <= args.connections <= 256:
        die(NAME, "bounds: --duration 1..120 s, --connections 1..256")
    if not shutil.which("wrk"):
        die(NAME, "wrk is not installed (Debian: apt-get install -y wrk); nothing was measured")

    load_before = os.getloadavg()[0]
    with Harness(NAME) as h:
        setup = h.prepare_db()
        (h.tmp / "hello_app.py").write_text(HELLO_APP)
        hello_port = h.gunicorn("hello", "hello_app:app", workers=2, chdir=h.tmp, ready_path="/")
        elig_port = h.gunicorn("pathways", "wsgi:app", workers=2)
        warm(hello_port, "/", BODY, "hello", check_results=False)
        n_programs = warm(elig_port, ELIG_PATH, BODY, "eligibility", check_results=True)
        warm(elig_port, ELIG_PATH, BODY_OCC, "eligibility+occupation", check_results=True)

        lua = write_lua(h.tmp / "post.lua", BODY)
        lua_occ = write_lua(h.tmp / "post_occ.lua", BODY_OCC)
        hello_url = f"http://127.0.0.1:{hello_port}/"
        elig_url = f"http://127.0.0.1:{elig_port}{ELIG_PATH}"
        runs: list[Run] = []
        for label, url, script in (
            ("hello", hello_url, lua),
            ("eligibility", elig_url, lua),
            ("eligibility", elig_url, lua),
            ("hello", hello_url, lua),
            ("elig+occupation", elig_url, lua_occ),
            ("elig+occupation", elig_url, lua_occ),
        ):
            print(f"  running wrk against {label} ({args.duration} s)...", flush=True)
            runs.append(run_wrk(label, url, script, args))

    def mean_rps(label: str) -> float:
        xs = [r.rps for r in runs if r.label == label]
        return sum(xs) / len(xs)

    hello, elig, occ = mean_rps("hello"), mean_rps("eligibility"), mean_rps("elig+occupation")
    ratio, ratio_occ = elig / hello, occ / hello
    pair = [runs[1].rps / runs[0].rps, runs[2].rps / runs[3].rps]

    print()
    print(
        f"{NAME}: gunicorn --workers 2 (sync) for both apps; wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration}s --timeout 5s; POST JSON"
    )
    print(
        f"  machine: {os.cpu_count()} CPU(s) shared by wrk and the servers (client and server "
        "compete for the same cores; the ratio is the meaningful figure); 1-min load average "
        f"before the run {load_before:.2f} (other processes add noise)"
    )
    print(
        f"  setup (db upgrade + load-reference): {setup:.1f} s; eligibility answers "
        f"{n_programs} programs; warm-up {WARMUP} requests per server and payload"
    )
    print()
    print(
        f"  {'#':>2} {'target':<16}{'req/s':>9}{'requests':>10}{'p50 ms':>9}{'p90 ms':>9}"
        f"{'p99 ms':>9}{'non-2xx':>9}{'sock err':>9}"
    )
    for i, r in enumerate(runs, 1):
        print(
            f"  {i:>2} {r.label:<16}{r.rps:>9.0f}{r.requests:>10}{r.p50_ms:>9.2f}"
            f"{r.p90_ms:>9.2f}{r.p99_ms:>9.2f}{r.non2xx:>9}{r.socket_errors:>9}"
        )
    print()
    print(
        f"  mean req/s: hello {hello:.0f}, eligibility {elig:.0f}, "
        f"eligibility+occupation_title {occ:.0f}"
    )
    print(
        f"  ratio eligibility/hello = {ratio:.3f}  (per pair: {pair[0]:.3f}, {pair[1]:.3f}; "
        f"target >= {TARGET_RATIO})"
    )
    print(f"  ratio eligibility+occupation_title/hello = {ratio_occ:.3f}  (informational)")

    failures = []
    if ratio < TARGET_RATIO:
        failures.append(f"ratio eligibility/hello {ratio:.3f} < {TARGET_RATIO}")
    for i, r in enumerate(runs, 1):
        if r.non2xx:
            failures.append(f"run {i} ({r.label}): {r.non2xx} non-2xx responses")
        if r.socket_errors:
            failures.append(f"run {i} ({r.label}): {r.socket_errors} socket errors")
    if failures:
        print("  FAIL: " + "; ".join(failures))
        return 1
    print("  PASS: ratio target met, every response 2xx")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
