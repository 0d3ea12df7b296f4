"""`cablebill bench-console`: how fast the support console answers at scale.

From a billed home (a generated 100,000-account cycle, say) it builds a console
home whose publication holds the home's accounts `copies` times over under new
ids (copy k: account `<id>-k`, invoice `INV-<3000+k>-<n>`, name and phone hashes
rehashed with k), with the latest cycle's exported invoice lines replicated the
same way, so tables and files are as large as at `copies` times the accounts.
It serves that home with `cablebill console` and times what an agent does, over
HTTP, one request at a time: a search by invoice number, by phone, an account
page and an invoice page (its lines read from the cycle's Parquet), for
`lookups` accounts drawn at random. Results go to stdout and to
`<home>/benchmarks/console.json`.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import duckdb
import pyarrow.parquet as pq

from connectors.validate import q
from orchestration import publish
from orchestration.console.agents import Agents
from orchestration.console.commands import publish_home
from orchestration.local_server import free_port, wait_until_up
from orchestration.settings import warehouse_path

AGENT, PASSWORD = "bench", "bench-password"
FIRST_REPLICA_YEAR = 3000


def _replica(column: str) -> str:
    """The SQL of `column` in copy `k` (k = 0: the row as it is)."""
    name = q(column)
    if column == "account_id":
        return f"case when k = 0 then {name} else {name} || '-' || cast(k as varchar) end"
    if column.endswith("invoice_no"):
        year = f"cast({FIRST_REPLICA_YEAR} + k as varchar)"
        return f"case when k = 0 then {name} else 'INV-' || {year} || substr({name}, 9) end"
    if column.endswith("_sha256"):
        return f"case when k = 0 then {name} else sha256({name} || cast(k as varchar)) end"
    return name


def _replicated(columns: list[str]) -> str:
    return ", ".join(f"{_replica(c)} as {q(c)}" for c in columns)


def replicate(home: Path, bench: Path, copies: int) -> str:
    """Write `bench`'s publication and latest cycle's lines: `home`'s, `copies` times
    over; the latest cycle."""
    target = publish.path(bench)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    with (
        duckdb.connect(str(publish.path(home)), read_only=True) as source,
        duckdb.connect(str(target)) as out,
    ):
        tables = [row[0] for row in source.execute("show tables").fetchall()]
        for table in tables:
            relation = source.table(table)
            order = publish.TABLES[table][1]
            out.register("incoming", relation.fetch_record_batch(publish.BATCH_ROWS))
            out.execute(
                f"create table {q(table)} as select {_replicated(relation.columns)} "
                "from incoming cross join range(?) as copies(k) "
                f"order by {', '.join(q(c) for c in order)}",
                [copies],
            )
            out.unregister("incoming")
        out.execute("create index invoices_by_number on invoices (invoice_no)")
        (cycle,) = out.execute("select max(cycle_date) from invoices").fetchone()
    cycle = cycle.isoformat()
    lines = home / "exports" / cycle / "invoice_lines.parquet"
    written = bench / "exports" / cycle / "invoice_lines.parquet"
    written.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        relation = con.read_parquet(str(lines))
        batches = con.sql(
            f"select {_replicated(relation.columns)} from read_parquet(?) "
            "cross join range(?) as copies(k) order by invoice_no, line_no",
            params=[str(lines), copies],
        ).fetch_record_batch(publish.BATCH_ROWS)
        with pq.ParquetWriter(written, batches.schema, compression="zstd") as parquet:
            for batch in batches:
                parquet.write_batch(batch)
    return cycle


class _Agent:
    """An agent's HTTP session with the console (the Secure cookie sent by hand)."""

    def __init__(self, port: int):
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.http.request("GET", "/login")
        response = self.http.getresponse()
        csrf = re.search(r'name="csrf" value="([^"]+)"', response.read().decode()).group(1)
        form = urlencode({"csrf": csrf, "agent": AGENT, "password": PASSWORD})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"cablebill_csrf={csrf}",
        }
        self.http.request("POST", "/login", form, headers)
        response = self.http.getresponse()
        response.read()
        cookie = response.getheader("set-cookie", "")
        self.cookie = re.search(r"cablebill_session=([^;]+)", cookie).group(0)

    def get(self, path: str) -> float:
        """Seconds to the whole answer of GET `path` (200 or a redirect)."""
        start = time.perf_counter()
        self.http.request("GET", path, headers={"Cookie": self.cookie})
        response = self.http.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        if response.status not in (200, 303):
            raise RuntimeError(f"GET {path}: {response.status}")
        return elapsed


def _phones(home: Path) -> list[str]:
    """The phones (digits) of the home's accounts, from its warehouse."""
    with duckdb.connect(str(warehouse_path(home)), read_only=True) as con:
        rows = con.execute("select distinct phone from raw.accounts where phone is not null")
        return sorted(re.sub(r"\D", "", phone) for (phone,) in rows.fetchall())


def bench_console(home: Path, copies: int, lookups: int) -> dict:
    """Replicate `home`'s publication `copies` times, serve it, time `lookups`
    lookups of each kind; the medians and 95th percentiles in milliseconds."""
    home = home.resolve()
    results: dict = {}
    if not publish.path(home).exists():
        start = time.perf_counter()
        publish_home(home)
        results["publish_seconds"] = round(time.perf_counter() - start, 1)
    bench = home / "benchmarks" / "console"
    shutil.rmtree(bench, ignore_errors=True)
    start = time.perf_counter()
    replicate(home, bench, copies)
    results["replicate_seconds"] = round(time.perf_counter() - start, 1)
    Agents(bench).add_agent(AGENT, AGENT, PASSWORD)
    with duckdb.connect(str(publish.path(bench)), read_only=True) as con:
        results["accounts"] = con.execute("select count(*) from account_overview").fetchone()[0]
        sample = con.execute(
            "select account_id, last_invoice_no from account_overview "
            "where last_invoice_no is not null order by hash(account_id) limit ?",
            [lookups],
        ).fetchall()
    phones = random.Random(42).sample(_phones(home), lookups)
    timings = _timed(bench, sample, phones)
    for kind, seconds in timings.items():
        ordered = sorted(seconds)
        results[f"{kind}_median_ms"] = round(statistics.median(ordered) * 1000, 1)
        results[f"{kind}_p95_ms"] = round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1)
    (home / "benchmarks" / "console.json").write_text(json.dumps(results, indent=2))
    return results


def _timed(bench: Path, sample: list[tuple], phones: list[str]) -> dict[str, list[float]]:
    """Serve `bench` and time each lookup of each sampled account, one at a time."""
    port = free_port()
    cablebill = str(Path(sys.executable).parent / "cablebill")
    server = subprocess.Popen(
        [cablebill, "console", "--home", str(bench), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/login", server, seconds=120)
        agent = _Agent(port)
        timings: dict[str, list[float]] = {
            "search_by_invoice": [],
            "search_by_phone": [],
            "account_page": [],
            "invoice_page": [],
        }
        for (account_id, invoice_no), phone in zip(sample, phones, strict=True):
            timings["search_by_invoice"].append(agent.get(f"/?q={quote(invoice_no)}"))
            timings["search_by_phone"].append(agent.get(f"/?q={phone}"))
            timings["account_page"].append(agent.get(f"/accounts/{quote(account_id)}"))
            timings["invoice_page"].append(agent.get(f"/invoices/{quote(invoice_no)}"))
        return timings
    finally:
        server.terminate()
        server.wait(timeout=30)
