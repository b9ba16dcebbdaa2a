#!/usr/bin/env python3
"""PartWatch benchmark: run through bench/run.sh, which builds and installs the tools first.

For each catalogue size: generate (or reuse) a catalogue with `partwatch generate`, start the
release build on a copy of it, and drive wrk at 1 and 32 connections against every page and
search shape; measure checkouts with logged-in customers; record server memory and database
size. Then asset sizes (raw, gzip, brotli) and Lighthouse for home, catalogue and part page.
Writes bench/results.md; the run before is kept as bench/results.previous.md.

With `--database postgres://HOST:PORT/…` the same rows run on PostgreSQL instead: the
PostgreSQL build (target/postgres/release/partwatch, `scripts/build.sh --postgres`) generates
each catalogue into a database of its own on that server (`partwatch_bench_<size>`, kept and
reused like the SQLite files) and serves a copy of it (`CREATE DATABASE … TEMPLATE`). Its
sections replace the PostgreSQL sections of bench/results.md and leave the SQLite ones (and
the asset sizes and Lighthouse scores, which do not depend on the engine) as they are.
"""

import argparse
import gzip
import hashlib
import http.client
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target/release/partwatch"
PG_BIN = ROOT / "target/postgres/release/partwatch"
WORK = ROOT / "target/bench"
# The PostgreSQL server of a `--database` run (its URL without the database name), else None.
PG_SERVER = None
# Where the PostgreSQL sections of bench/results.md begin and end.
PG_BEGIN, PG_END = "<!-- postgres -->", "<!-- /postgres -->"
HOST, PORT = "127.0.0.1", 3500
BASE = f"http://{HOST}:{PORT}"
PASSWORD = "partwatch-demo"


def say(text):
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


def schema_stamp():
    """Generated catalogues are reused while migrations and generator are unchanged."""
    h = hashlib.sha256()
    for path in sorted((ROOT / "migrations").rglob("*.sql")) + [ROOT / "src/demo/generate.rs"]:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def binary():
    return PG_BIN if PG_SERVER else BIN


def psql(database, sql):
    """Runs `sql` on a database of the PostgreSQL server; returns its rows, tab-separated."""
    out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                          f"{PG_SERVER}/{database}", "-c", sql],
                         capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def pg_generate(size):
    """The catalogue of `size` parts in database partwatch_bench_<size> (made once, reused while
    the schema and the generator are unchanged: the stamp is kept beside the SQLite files)."""
    name = f"partwatch_bench_{size}"
    stamp = WORK / f"pg-catalogue-{size}.stamp"
    info_file = WORK / f"pg-catalogue-{size}.json"
    exists = psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if exists and stamp.exists() and stamp.read_text() == schema_stamp():
        return name, json.loads(info_file.read_text())
    psql("postgres", f"DROP DATABASE IF EXISTS {name}")
    psql("postgres", f"CREATE DATABASE {name}")
    say(f"generating {size:,} parts into PostgreSQL ({name})")
    started = time.time()
    subprocess.run(
        [str(PG_BIN), "generate", "--parts", str(size), "--suppliers", str(max(10, size // 1000)),
         "--customers", "400", "--seed", "1", "--database", f"{PG_SERVER}/{name}"],
        check=True, cwd=ROOT)
    seconds = round(time.time() - started, 1)
    # What an operator does after a bulk load: set the visibility map and hint bits once, so
    # reads neither write pages nor visit the table for index-only scans.
    psql(name, "VACUUM (ANALYZE)")
    info = {"seconds": seconds,
            "bytes": int(psql(name, "SELECT pg_database_size(current_database())")[0][0]),
            "fitments": int(psql(name, "SELECT COUNT(*) FROM fitments")[0][0])}
    info_file.write_text(json.dumps(info))
    stamp.write_text(schema_stamp())
    return name, info


def generate(size):
    if PG_SERVER:
        return pg_generate(size)
    db = WORK / f"catalogue-{size}.db"
    stamp = WORK / f"catalogue-{size}.stamp"
    if db.exists() and stamp.exists() and stamp.read_text() == schema_stamp():
        return db, json.loads((WORK / f"catalogue-{size}.json").read_text())
    for p in WORK.glob(f"catalogue-{size}.db*"):
        p.unlink()
    say(f"generating {size:,} parts")
    started = time.time()
    subprocess.run(
        [str(BIN), "generate", "--parts", str(size), "--suppliers", str(max(10, size // 1000)),
         "--customers", "400", "--seed", "1", "--database", f"sqlite://{db}?mode=rwc"],
        check=True, cwd=ROOT)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    fitments = con.execute("SELECT COUNT(*) FROM fitments").fetchone()[0]
    con.close()
    info = {"seconds": round(time.time() - started, 1), "bytes": db.stat().st_size, "fitments": fitments}
    (WORK / f"catalogue-{size}.json").write_text(json.dumps(info))
    stamp.write_text(schema_stamp())
    return db, info


class Server:
    def __init__(self, db):
        if PG_SERVER:
            # A copy of the generated database, as on SQLite: the run's writes do not pile up.
            psql("postgres", "DROP DATABASE IF EXISTS partwatch_bench_run")
            psql("postgres", f"CREATE DATABASE partwatch_bench_run TEMPLATE {db}")
            # Read the copy into the server's buffer cache, as a running shop's working set
            # is (and as the SQLite file is in the page cache after it is copied): otherwise
            # the first rows measure a virtual disk.
            psql("partwatch_bench_run", "CREATE EXTENSION IF NOT EXISTS pg_prewarm; "
                 "SELECT sum(pg_prewarm(c.oid)) FROM pg_class c "
                 "WHERE c.relkind IN ('r', 'i', 't') AND c.relpersistence <> 't' "
                 "AND c.relnamespace <> 'pg_catalog'::regnamespace")
            url = f"{PG_SERVER}/partwatch_bench_run"
        else:
            self.run_db = WORK / "run.db"
            for p in WORK.glob("run.db*"):
                p.unlink()
            shutil.copyfile(db, self.run_db)
            url = f"sqlite://{self.run_db}"
        env = dict(os.environ, DATABASE_URL=url, UPLOAD_DIR=str(WORK / "uploads"),
                   LEPTOS_SITE_ADDR=f"{HOST}:{PORT}", LEPTOS_ENV="PROD", RUST_LOG="warn",
                   PARTWATCH_TRUSTED_PROXY="127.0.0.1")
        self.log = open(WORK / "server.log", "w")
        self.proc = subprocess.Popen([str(binary())], cwd=ROOT, env=env, stdout=self.log, stderr=self.log)
        for _ in range(300):
            try:
                http.client.HTTPConnection(HOST, PORT, timeout=2).request("GET", "/")
                break
            except OSError:
                time.sleep(0.1)

    def memory(self):
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        get = lambda key: int(re.search(rf"{key}:\s+(\d+) kB", status).group(1)) * 1024
        return get("VmRSS"), get("VmHWM")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


class Editor:
    """A supplier editing listings while a row is measured: every 0.1 s one of `parts` is
    archived or restored (which the kept sets of fitting parts and word matches must follow),
    on the served copy of the catalogue, through one connection. `stop` restores every part
    it touched and says how many edits were made."""

    def __init__(self, server, parts, every=0.1):
        self.server, self.parts, self.every = server, parts, every
        self.touched, self.count, self.done = set(), 0, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        if PG_SERVER:
            proc = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                                     f"{PG_SERVER}/partwatch_bench_run"],
                                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)

            def execute(sql):
                proc.stdin.write(sql + ";\n")
                proc.stdin.flush()
        else:
            con = sqlite3.connect(self.server.run_db, timeout=10, isolation_level=None)

            def execute(sql):
                con.execute(sql)
        while not self.done.wait(self.every):
            part = self.parts[(self.count * 7919) % len(self.parts)]
            self.count += 1
            self.touched.add(part)
            execute(f"UPDATE parts SET archived = 1 - archived WHERE id = {part}")
        if self.touched:
            ids = ", ".join(map(str, sorted(self.touched)))
            execute(f"UPDATE parts SET archived = 0 WHERE id IN ({ids})")
        if PG_SERVER:
            proc.stdin.close()
            proc.wait()
        else:
            con.close()

    def stop(self):
        self.done.set()
        self.thread.join()
        say(f"{self.count} edits")


def ms(text):
    value = float(re.match(r"[\d.]+", text).group(0))
    unit = text[len(re.match(r"[\d.]+", text).group(0)):]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(path, conns, seconds, script=None, env=None, cookie=None):
    cmd = ["wrk", f"-t{min(conns, 2)}", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [BASE + path], capture_output=True, text=True, check=True,
                         env=dict(os.environ, **(env or {}))).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms(latency["50"]),
        "p99": ms(latency["99"]),
        "errors": (sum(map(int, socket.groups())) if socket else 0) + (int(non2xx.group(1)) if non2xx else 0),
    }


def request(conn, method, path, body=None, cookie=None, forwarded=None):
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body)
    if cookie:
        headers["Cookie"] = cookie
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.getheader("Set-Cookie") or "", response.read()


def login(n):
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    status, set_cookie, body = request(conn, "POST", "/api/login",
                                       {"email": f"customer{n}@generated.example", "password": PASSWORD},
                                       forwarded=f"10.9.{n // 250}.{n % 250 + 1}")
    if status != 200:
        raise SystemExit(f"login of customer{n} failed: {status} {body[:200]!r}")
    return re.search(r"(pw_session=[^;]+)", set_cookie).group(1)


def checkouts(customers, parts, threads):
    """Each thread: for each of its customers, ten rounds of add to cart, read the cart,
    place the order (timed). Ten per customer: the per-customer checkout limit per minute."""
    cookies = [login(n) for n in customers]
    latencies, errors, lock = [], [0], threading.Lock()

    def work(index):
        conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        mine = cookies[index::threads]
        for round_ in range(10):
            for k, cookie in enumerate(mine):
                part = parts[(index * 7919 + round_ * 104729 + k * 31) % len(parts)]
                request(conn, "POST", "/api/add_to_cart", {"part_id": part, "quantity": 1}, cookie)
                status, _, body = request(conn, "POST", "/api/cart_contents", {}, cookie)
                cart = json.loads(body)
                started = time.perf_counter()
                status, _, body = request(conn, "POST", "/api/place_order", {
                    "shipping_name": "Bench Customer", "shipping_address": "Teststr. 1\n12345 Teststadt",
                    "checkout_key": cart["checkout_key"], "expected_total": cart["total"]}, cookie)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        errors[0] += 1
                        if errors[0] <= 3:
                            say(f"checkout answered {status}: {body[:200]!r}")

    started = time.time()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.time() - started
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    return {"rps": len(latencies) / seconds, "p50": pick(0.5), "p99": pick(0.99), "errors": errors[0],
            "count": len(latencies)}


SAMPLE_PARTS = "SELECT id FROM parts WHERE archived = 0 AND stock >= 100 ORDER BY id DESC LIMIT 2000"
SAMPLE_NUMBER = "SELECT model FROM parts WHERE archived = 0 AND model LIKE '0 986 %' ORDER BY id DESC LIMIT 1"


# The vehicle the fitment rows use: the model year that the most fitments name (the heaviest
# "fits my vehicle" view), as (vehicle id, "2014 Ford F-150").
SAMPLE_VEHICLE = """SELECT v.id, v.year || ' ' || k.name || ' ' || m.name
FROM (SELECT f.model_id, y.year, COUNT(*) AS n FROM fitments f
      JOIN (SELECT DISTINCT year FROM vehicles) y ON y.year BETWEEN f.year_from AND f.year_to
      WHERE f.model_id = (SELECT model_id FROM fitments GROUP BY model_id ORDER BY COUNT(*) DESC LIMIT 1)
      GROUP BY f.model_id, y.year ORDER BY n DESC, y.year DESC LIMIT 1) best
JOIN vehicles v ON v.model_id = best.model_id AND v.year = best.year
JOIN vehicle_models m ON m.id = v.model_id JOIN vehicle_makes k ON k.id = m.make_id"""


def sample(db):
    if PG_SERVER:
        listed = [int(r[0]) for r in psql(db, SAMPLE_PARTS)]
        bosch = (psql(db, SAMPLE_NUMBER) or [None])[0]
        vehicle = (psql(db, SAMPLE_VEHICLE) or [None])[0]
        return listed, (bosch[0] if bosch else "BP-123"), vehicle
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    one = lambda sql: con.execute(sql).fetchone()
    listed = [r[0] for r in con.execute(SAMPLE_PARTS)]
    bosch = one(SAMPLE_NUMBER)
    vehicle = one(SAMPLE_VEHICLE)
    con.close()
    return listed, (bosch[0] if bosch else "BP-123"), vehicle


def scenarios(number, vehicle):
    bare = re.sub(r"[^0-9A-Za-z]", "", number)
    fits = []
    if vehicle:
        cookie = f"pw_vehicle={vehicle[0]}"
        name = vehicle[1]
        fits = [
            (f"fits a {name}: catalogue", "/catalogue", cookie),
            (f"fits a {name}: search brake", "/catalogue?q=brake", cookie),
            (f"fits a {name}: search oil filter bosch", "/catalogue?q=oil+filter+bosch", cookie),
            (f"fits a {name}: maker filter + price sort", "/catalogue?m=Bosch&sort=price_asc", cookie),
            (f"fits a {name}: part page with the answer (random parts)", "@part", cookie),
            (f"fits a {name}: search brake while a part is archived or restored 10 times a second",
             "@edits/catalogue?q=brake", cookie),
        ]
    return [
        ("home", "/"),
        ("catalogue, first page", "/catalogue"),
        ("search: one word (brake)", "/catalogue?q=brake"),
        ("search: two words (brake disc)", "/catalogue?q=brake+disc"),
        ("search: three words (oil filter bosch)", "/catalogue?q=oil+filter+bosch"),
        ("search: two characters (br)", "/catalogue?q=br"),
        ("search: one character (a)", "/catalogue?q=a"),
        (f"part number as printed ({number})", "/catalogue?q=" + urllib.parse.quote_plus(number)),
        (f"part number without separators ({bare})", "/catalogue?q=" + bare),
        ("maker filter + price sort", "/catalogue?m=Bosch&sort=price_asc"),
        ("deep page (?page=2000, shown as the last page)", "/catalogue?page=2000"),
        ("part page (random parts)", "@part"),
        ("add to cart (logged in)", "@add"),
        ("static file (CSS)", "/pkg/" + bundle_name("css")),
    ] + fits


LUA_PARTS = """
local ids = {}
for line in io.lines(os.getenv("BENCH_PARTS")) do ids[#ids + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/parts/" .. ids[math.random(#ids)])
end
"""

LUA_ADD = """
local ids = {}
for line in io.lines(os.getenv("BENCH_PARTS")) do ids[#ids + 1] = line end
local cookies = {}
for line in io.lines(os.getenv("BENCH_COOKIES")) do cookies[#cookies + 1] = line end
local n = 0
function setup(thread) n = n + 1; thread:set("id", n) end
function init() cookie = cookies[((id - 1) % #cookies) + 1]; math.randomseed(id * 7919) end
request = function()
  return wrk.format("POST", "/api/add_to_cart", {
    ["Content-Type"] = "application/x-www-form-urlencoded", ["Accept"] = "application/json",
    ["Cookie"] = cookie }, "part_id=" .. ids[math.random(#ids)] .. "&quantity=1")
end
"""


def run_size(size, seconds, only=None):
    db, info = generate(size)
    listed, number, vehicle = sample(db)
    (WORK / "parts.txt").write_text("\n".join(map(str, listed)) + "\n")
    (WORK / "parts.lua").write_text(LUA_PARTS)
    (WORK / "add.lua").write_text(LUA_ADD)
    server = Server(db)
    try:
        say(f"{size:,} parts: logging in customers for add to cart")
        (WORK / "cookies.txt").write_text("\n".join(login(n) for n in range(360, 362)) + "\n")
        env = {"BENCH_PARTS": str(WORK / "parts.txt"), "BENCH_COOKIES": str(WORK / "cookies.txt")}
        rows = []
        for label, path, *cookie in scenarios(number, vehicle):
            if only and not re.search(only, label):
                continue
            cookie = cookie[0] if cookie else None
            row = {"label": label}
            for conns in (1, 32):
                say(f"{size:,} parts: {label}, {conns} connection(s)")
                # Warm up (caches, connections) before measuring.
                if path == "@part":
                    wrk("/", conns, 2, WORK / "parts.lua", env, cookie)
                    row[conns] = wrk("/", conns, seconds, WORK / "parts.lua", env, cookie)
                elif path == "@add":
                    row[conns] = wrk("/", conns, seconds, WORK / "add.lua", env)
                elif path.startswith("@edits"):
                    page = path[len("@edits"):]
                    wrk(page, conns, 2, cookie=cookie)
                    editor = Editor(server, listed)
                    try:
                        row[conns] = wrk(page, conns, seconds, cookie=cookie)
                    finally:
                        editor.stop()
                else:
                    wrk(path, conns, 2, cookie=cookie)
                    row[conns] = wrk(path, conns, seconds, cookie=cookie)
            rows.append(row)
        if not only:
            say(f"{size:,} parts: checkouts")
            row = {"label": "checkout (add, read cart, place order; order timed)"}
            row[1] = checkouts(range(1, 11), listed, 1)
            row[32] = checkouts(range(11, 331), listed, 32)
            rows.append(row)
        rss, peak = server.memory()
    finally:
        server.stop()
    return {"size": size, "generate": info, "rows": rows, "rss": rss, "peak": peak}


def bundle_name(ext):
    """The bundle file's name: partwatch.<content hash>.<ext>, from the hashes the build
    wrote beside the release binary."""
    hashes = ROOT / "target/release/hash.txt"
    for line in hashes.read_text().splitlines() if hashes.exists() else []:
        kind, _, digest = line.partition(":")
        if kind.strip() == ext:
            return f"partwatch.{digest.strip()}.{ext}"
    return f"partwatch.{ext}"


def asset_sizes():
    out = []
    for ext in ["wasm", "js", "css"]:
        data = (ROOT / "target/site/pkg" / bundle_name(ext)).read_bytes()
        out.append((f"partwatch.{ext}", len(data), len(gzip.compress(data, 9)), len(brotli.compress(data, quality=11))))
    return out


def lighthouse(db):
    server = Server(db)
    try:
        scores = []
        for label, path in [("home", "/"), ("catalogue search", "/catalogue?q=brake"), ("part page", "/parts/1000")]:
            say(f"Lighthouse: {label}")
            report = WORK / "lighthouse.json"
            subprocess.run(
                ["node", str(ROOT / "bench/node_modules/lighthouse/cli/index.js"), BASE + path,
                 "--output=json", f"--output-path={report}", "--quiet", "--only-categories=performance,accessibility",
                 "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
                 "--disable-background-networking --disable-component-update --disable-sync --no-first-run"],
                check=True, env=dict(os.environ, CHROME_PATH="/usr/bin/chromium"))
            data = json.loads(report.read_text())
            scores.append((label, round(data["categories"]["performance"]["score"] * 100),
                           round(data["categories"]["accessibility"]["score"] * 100),
                           data["audits"]["largest-contentful-paint"]["displayValue"],
                           data["audits"]["total-blocking-time"]["displayValue"]))
        return scores
    finally:
        server.stop()


def fmt_ms(v):
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


def run_line(args, engine, checkouts=True):
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True, cwd=ROOT).stdout.strip()
    return (f"Run {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} by `bench/run.sh` "
            f"(commit {commit}{' with uncommitted changes' if dirty else ''}) on {os.cpu_count()} cores; "
            f"{engine}; release build; wrk for {args.seconds} s per row after a 2 s warm-up"
            + ("; checkouts by 1 and 32 threads of logged-in customers (10 per customer: the "
               "per-minute limit)." if checkouts else "."))


def size_sections(results, heading="##"):
    lines = []
    for r in results:
        g = r["generate"]
        lines += [
            f"{heading} {r['size']:,} parts", "",
            f"Generated in {g['seconds']} s ({g.get('fitments', 0):,} fitment rows); "
            f"database {g['bytes'] / 1e6:,.0f} MB; "
            f"server memory after the run {r['rss'] / 1e6:.0f} MB (peak {r['peak'] / 1e6:.0f} MB).", "",
            "| request | 1 conn req/s | p50 ms | p99 ms | 32 conns req/s | p50 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in r["rows"]:
            a, b = row[1], row[32]
            lines.append(f"| {row['label']} | {a['rps']:,.0f} | {fmt_ms(a['p50'])} | {fmt_ms(a['p99'])} | "
                         f"{b['rps']:,.0f} | {fmt_ms(b['p50'])} | {fmt_ms(b['p99'])} | {a['errors'] + b['errors']} |")
        lines.append("")
    return lines


def pg_block(text):
    """The PostgreSQL sections of a results file, markers included ("" when it has none)."""
    if PG_BEGIN in text and PG_END in text:
        return text[text.index(PG_BEGIN):text.index(PG_END) + len(PG_END)]
    return ""


def splice(out, text, begin, end, block):
    """Writes `text` to `out` with `block` in place of the part from marker `begin` to marker
    `end` (or, without those markers, before the asset sizes, else at the end); the file as it
    was is kept as bench/results.previous.md."""
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    elif "\n## Assets" in text:
        text = text.replace("\n## Assets", "\n" + block + "\n\n## Assets", 1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    if out.exists():
        shutil.copyfile(out, ROOT / "bench/results.previous.md")
    out.write_text(text)


def write_postgres(results, args):
    """Puts this run's sections into bench/results.md in place of the PostgreSQL ones there
    (before the asset sizes), leaving the SQLite sections as they are."""
    out = ROOT / "bench/results.md"
    text = out.read_text() if out.exists() else "# PartWatch benchmark results\n"
    version = psql("postgres", "SHOW server_version")[0][0].split()[0]
    buffers = psql("postgres", "SHOW shared_buffers")[0][0]
    block = "\n".join([PG_BEGIN, f"## On PostgreSQL {version}", "",
                       run_line(args, f"PostgreSQL {version} on the same machine, reached over TCP "
                                      f"({PG_SERVER.split('@')[-1]}), shared_buffers {buffers}, "
                                      "each run's database read into it first (`pg_prewarm`); "
                                      "the build with `--features postgres`"), ""]
                      + size_sections(results, "###") + [PG_END])
    splice(out, text, PG_BEGIN, PG_END, block)
    say(f"wrote the PostgreSQL sections of {out}")


def write_only(results, args):
    """A run of some rows (`--only`): its own section of bench/results.md, per engine, in place
    of the last such section; the full run's sections stay as they are."""
    out = ROOT / "bench/results.md"
    text = out.read_text() if out.exists() else "# PartWatch benchmark results\n"
    engine = "PostgreSQL" if PG_SERVER else "SQLite"
    begin, end = f"<!-- only {engine}: begin -->", f"<!-- only {engine}: end -->"
    block = "\n".join([begin, f"## Re-measured on {engine}: rows matching `{args.only}`", "",
                       run_line(args, engine + (" (the build with `--features postgres`)" if PG_SERVER else ""),
                                checkouts=False),
                       "These rows were run alone, after the full run above; they replace its numbers "
                       "for the same rows.", ""] + size_sections(results, "###") + [end])
    splice(out, text, begin, end, block)
    say(f"wrote the re-measured rows into {out}")


def write(results, assets, scores, args):
    lines = ["# PartWatch benchmark results", "", run_line(args, "SQLite"), ""]
    lines += size_sections(results)
    out = ROOT / "bench/results.md"
    # The PostgreSQL sections of the last `--database` run stay (they say when they were run).
    block = pg_block(out.read_text()) if out.exists() else ""
    if block:
        lines += [block, ""]
    lines += ["## Assets", "", "| file | raw | gzip -9 | brotli 11 |", "|---|---:|---:|---:|"]
    for name, raw, gz, br in assets:
        lines.append(f"| {name} | {raw / 1024:,.0f} KB | {gz / 1024:,.0f} KB | {br / 1024:,.0f} KB |")
    lines.append("")
    if scores:
        lines += ["## Lighthouse 12.2.3 (mobile, Debian Chromium), largest catalogue", "",
                  "| page | performance | accessibility | LCP | TBT |", "|---|---:|---:|---:|---:|"]
        for label, perf, a11y, lcp, tbt in scores:
            lines.append(f"| {label} | {perf} | {a11y} | {lcp} | {tbt} |")
        lines.append("")
    if out.exists():
        shutil.copyfile(out, ROOT / "bench/results.previous.md")
    out.write_text("\n".join(lines))
    say(f"wrote {out}")


def main():
    global PG_SERVER
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--only", metavar="REGEX",
                        help="run only the rows whose label matches (no checkouts, assets or "
                             "Lighthouse) and write them as their own section of bench/results.md")
    parser.add_argument("--database", metavar="postgres://HOST:PORT/DB",
                        help="run on this PostgreSQL server instead of SQLite (the databases "
                             "partwatch_bench_* are made and replaced there; DB itself is not used)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    if args.database:
        if not args.database.startswith(("postgres://", "postgresql://")):
            raise SystemExit("--database: a postgres:// URL")
        PG_SERVER = args.database.rsplit("/", 1)[0]
    if args.only:
        write_only([run_size(size, args.seconds, args.only) for size in sizes], args)
        return
    if args.database:
        results = [run_size(size, args.seconds) for size in sizes]
        write_postgres(results, args)
        return
    results = [run_size(size, args.seconds) for size in sizes]
    scores = [] if args.no_lighthouse else lighthouse(generate(sizes[-1])[0])
    write(results, asset_sizes(), scores, args)


if __name__ == "__main__":
    sys.exit(main())
