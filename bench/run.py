"""The Baladiya benchmark (``make bench``): is the platform still fast with a whole country on it?

1. PostgreSQL database ``baladiya_bench`` (dropped and re-created; BENCH_DATABASE_URL to change),
   a synthetic country of 100,000 cases (``generate_national_dataset``), then in one process with
   the production settings (DEBUG off): the national and a commune statistics page (uncached), an
   agent's inbox and the ministry supervisor's dashboard, each as a ratio to the trivial page
   ``/trivial`` (the base template with a heading, no query) timed in the same run, with their
   query counts.
2. The same app served as in production (gunicorn, PostgreSQL, Redis cache, DEBUG off,
   BALADIYA_ENV=production) on loopback, loaded by concurrent keep-alive clients (threads) on the
   citizen pages (home, catalogue, a procedure page, the public status page): throughput as a
   fraction of the trivial page's, p99 latency, peak RSS of the server processes.
3. More cases, up to BENCH_LARGE (2,000,000) or as many as generate within BENCH_BUDGET seconds
   (600), said so; the in-process timings again.

Last line: ``worst ratio R at N cases, growth G``.
Environment: BENCH_SMALL (100000), BENCH_LARGE, BENCH_BUDGET, BENCH_CLIENTS (16), BENCH_SECONDS
(8 per page), BENCH_WORKERS (gunicorn workers, 3), REDIS_URL (redis://127.0.0.1:6379/13).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/baladiya_bench")
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13")
SMALL = int(os.environ.get("BENCH_SMALL", "100000"))
LARGE = int(os.environ.get("BENCH_LARGE", "2000000"))
BUDGET = float(os.environ.get("BENCH_BUDGET", "600"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
STARTED = time.monotonic()


def say(text: str) -> None:
    print(f"[{time.monotonic() - STARTED:7.1f}s] {text}", flush=True)


def production_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DB,
        REDIS_URL=REDIS,
        BALADIYA_ENV="production",
        DEBUG="false",
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        STATIC_ROOT=str(ROOT / "var" / "bench-static"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env["BENCH_SECRET_KEY"] = env["SECRET_KEY"]
    return env


ENV = production_env()


def manage(*args: str, env: dict[str, str] | None = None, echo: bool = True) -> str:
    process = subprocess.Popen(  # noqa: S603 - our own manage.py
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env or ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out = []
    assert process.stdout is not None
    for line in process.stdout:
        out.append(line)
        if echo and " INFO " not in line:
            say("  " + line.rstrip())
    if process.wait() != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return "".join(out)


def fresh_database() -> None:
    import psycopg

    base, name = DB.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    say(f"database {name} re-created; migrating")
    manage("migrate", "-v0")


def measure() -> dict:
    env = dict(ENV, SECURE_SSL_REDIRECT="false")
    out = subprocess.run(  # noqa: S603 - our own script
        [PY, "bench/measure.py"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise SystemExit("measure failed:\n" + out.stdout[-2000:] + out.stderr[-4000:])


def report(results: dict) -> dict[str, float]:
    trivial = results["trivial page"]["ms"]
    ratios = {}
    served_trivial = results["trivial page"]["served_ms"]
    cold_trivial = results["trivial page"]["cold_ms"]
    say(
        f"In-process timings at {results['_cases']:,} cases and {results['_concerns']:,}"
        " concerns, median of rounds. 'uncached': cache emptied before each request (the ratio"
        " used below; settled months' figures stay in the process, they cannot change, and so"
        " do the dashboard's rows whose figures did not change); 'cold': those forgotten too"
        " (a process's first page of a month); 'served': as production serves them"
        " (statistics kept 2 min by the page cache; inbox and supervision never cached)."
    )
    for name, r in results.items():
        if name.startswith("_"):
            continue
        ratio = r["ms"] / trivial
        ratios[name] = ratio
        say(
            f"  {name:32s} uncached {r['ms']:7.1f} ms  ratio {ratio:6.2f}  q {r['queries']:2d}"
            f"  | cold {r['cold_ms']:7.1f} ms  ratio {r['cold_ms'] / cold_trivial:5.2f}"
            f"  | served {r['served_ms']:7.1f} ms  ratio {r['served_ms'] / served_trivial:5.2f}"
            f"  | {r['bytes'] / 1024:5.1f} KB"
        )
        if "remade_ms" in r:
            say(
                f"  {name + ', every row made again':44s} {r['remade_ms']:7.1f} ms"
                f"  ratio {r['remade_ms'] / trivial:6.2f}  (no commune's row kept from a view"
                " before)"
            )
    return ratios


# --- load on loopback --------------------------------------------------------------------------


def load(path: str, seconds: float, cookie: str = "") -> tuple[float, float, int]:
    """(requests per second, p99 seconds, errors) with CLIENTS keep-alive clients.

    With ``cookie``, every request carries it (a visitor with a session)."""
    headers = {"X-Forwarded-Proto": "https", "Accept-Language": "fr"}
    if cookie:
        headers["Cookie"] = cookie
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan")
    return len(latencies) / seconds, p99, errors[0]


def rss_of_tree(pid: int) -> int:
    """Resident memory (KB) of a process and its children, from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def serve_and_load() -> None:
    urls = json.loads(
        subprocess.run(  # noqa: S603 - our own code
            [PY, "-c", CITIZEN_URLS],
            cwd=ROOT,
            env=ENV,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    say(
        f"gunicorn: {WORKERS} workers (sync, 2 threads each) on 127.0.0.1:{PORT},"
        f" {CLIENTS} clients, {SECONDS:.0f}s per page"
    )
    server = subprocess.Popen(  # noqa: S603 - the venv's gunicorn
        [
            str(Path(PY).parent / "gunicorn"),
            "baladiya.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    peak = [0]
    running = [True]

    def watch() -> None:
        while running[0]:
            peak[0] = max(peak[0], rss_of_tree(server.pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        pages = [("trivial page", "/trivial"), *urls]
        for _name, path in pages:  # warm every worker's caches
            load(path, 1.0)
        results = {}
        for name, path in pages:
            results[name] = load(path, SECONDS)
        # A visitor with a session reads the same kept pages (their shell names nobody).
        session = "sessionid=bench-visitor"
        for name, path in urls:
            results[f"{name}, with a session"] = load(path, SECONDS, cookie=session)
        # A miss: an address the page cache never keeps (a parameter the view does not read),
        # so the page is rendered on every request, with the session read (one more query).
        for name, path in urls:
            results[f"{name}, rendered"] = load(path + "?bench=1", SECONDS, cookie=session)
        base = results["trivial page"][0]
        say(
            "Citizen pages under load (gunicorn, PostgreSQL, Redis cache, DEBUG off); visitors"
            " get kept pages (core.pagecache), with or without a session; 'rendered' is the"
            " same page rendered (a cache miss):"
        )
        for name, (rps, p99, errors) in results.items():
            say(
                f"  {name:38s} {rps:8.1f} req/s  {rps / base:5.2f} of trivial"
                f"  p99 {p99 * 1000:7.1f} ms  errors {errors}"
            )
        say(f"  peak RSS of the server processes: {peak[0] / 1024:.0f} MB")
    finally:
        running[0] = False
        watcher.join()
        server.terminate()
        server.wait(timeout=20)


CITIZEN_URLS = """
import os, json, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baladiya.settings")
django.setup()
from baladiya.cases.models import Case
from baladiya.cases.views_citizen import status_url
from baladiya.catalogue.models import Procedure
from django.utils import translation
with translation.override("fr"):
    procedure = Procedure.objects.filter(is_published=True).order_by("order", "pk").first()
    # A procedure case: a concern's status link leads on to its own follow-up page (a redirect).
    case = Case.objects.exclude(reference=None).filter(kind="procedure").order_by("-pk").first()
    print(json.dumps([
        ["home", "/fr/"],
        ["catalogue", "/fr/procedures/"],
        ["procedure page", procedure.get_absolute_url()],
        ["public status page", status_url(case)],
    ]))
"""


def grow(target: int) -> int:
    """Add cases in chunks until ``target`` or the time budget; returns the total reached."""
    started = time.monotonic()
    total = SMALL
    chunk = 200_000
    last = 0.0  # how long the last chunk took
    while total < target:
        elapsed = time.monotonic() - started
        n = min(chunk, target - total)
        # Start a chunk only if it should end within the budget: chunks slow down a little as
        # the tables grow, hence the margin on the last one's time.
        if last and elapsed + last * 1.1 * n / chunk > BUDGET:
            break
        say(
            f"adding {n:,} cases (total {total:,} → {total + n:,}; {elapsed:.0f}s of {BUDGET:.0f}s)"
        )
        began = time.monotonic()
        manage("generate_national_dataset", "--cases", str(n), "--no-rebuild", "--seed", str(total))
        last = (time.monotonic() - began) * chunk / n
        total += n
    spent = time.monotonic() - started
    say(f"{total - SMALL:,} more cases generated in {spent:.0f}s (budget {BUDGET:.0f}s)")
    say(f"rebuilding the roll-ups for {total:,} cases")
    manage("rebuild_statistics")
    if total < target:
        say(
            f"NOTE: {total:,} cases is the largest this machine generated within the budget;"
            f" {target:,} was asked."
        )
    return total


def main() -> None:
    say(f"Baladiya benchmark on {DB.rsplit('@', 1)[-1]}, {os.cpu_count()} CPUs")
    fresh_database()
    say("collectstatic (production settings serve hashed static files)")
    manage("collectstatic", "--noinput", "-v0", echo=False)
    say(f"generating {SMALL:,} cases")
    manage("generate_national_dataset", "--cases", str(SMALL))
    small = measure()
    small_ratios = report(small)
    serve_and_load()
    total = grow(LARGE)
    large = measure()
    large_ratios = report(large)
    worst = max(large_ratios, key=lambda k: large_ratios[k])
    growth = large[worst]["ms"] / small[worst]["ms"]
    for name in large_ratios:
        if name != "trivial page":
            # The machine's speed can drift between the two sizes (a shared VM): the change of
            # the ratio to the trivial page, measured alongside, says more than the times do.
            say(
                f"  growth {name:34s} {large[name]['ms'] / small[name]['ms']:5.2f}"
                f"  (ratio {small_ratios[name]:.2f} → {large_ratios[name]:.2f},"
                f" ×{large_ratios[name] / small_ratios[name]:.2f}; trivial page"
                f" {small['trivial page']['ms']:.2f} → {large['trivial page']['ms']:.2f} ms)"
            )
    print(
        f"worst ratio {large_ratios[worst]:.2f} at {total} cases, growth {growth:.2f}", flush=True
    )


if __name__ == "__main__":
    main()
