"""`cablebill run` end to end, on a small inbox whose bills were computed by hand.

Cycle 2026-11-01 bills the service period 2026-10-01 .. 2026-10-31 (31 days).

A1: BASE 13,200 all period                       13,200
    NET 27,500 from 2026-10-19: 27,500 x 13/31 = 11,532.26 -> 11,532
    supply 24,732; VAT floor(2,473.2) = 2,473; 27,205 -> 27,200 (rounding -5)
A2: BASE ended 2026-10-11: 13,200 x 10/31 = 4,258.06 -> 4,258
    LIC (VAT-exempt) 2,500
    VAT floor(4,258 x 0.1) = 425; 7,183 -> 7,180 (rounding -3)
A3: cycle day 15, not billed in this run.
Due date: 2026-11-21 is a Saturday, so 2026-11-23.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, materialize

from orchestration import run_manifest
from orchestration.assets.outputs import exports
from orchestration.partitions import bill_cycles
from orchestration.settings import DBT_PROJECT_DIR, CablebillHome, RunParameters
from tests.deliveries import (
    account,
    product,
    quiet_extracts,
    subscription,
    usage_extract,
    write_delivery,
)
from tests.e2e import CABLEBILL, cablebill, cablebill_process, read_csv

pytestmark = pytest.mark.slow


def cms_snapshot(
    extra_accounts: list[dict] = (),
    extra_products: list[dict] = (),
    a1_name: str = "홍길동",
    nets_end: str | None = None,
    lics_end: str | None = None,
) -> dict[str, list[dict]]:
    """The small CMS snapshot these bills were computed from; later cycles rename A1
    and end subscriptions."""

    def ended(end: str | None) -> dict:
        return {"end_date": end, "termination_reason": "customer_request"} if end else {}

    return {
        "accounts.csv": [
            account("A1", name=a1_name),
            account("A2", language="en"),
            account("A3", bill_cycle_day=15),
            *extra_accounts,
        ],
        "products.csv": [
            product("BASE", 13200),
            product("NET", 27500, product_type="internet", gl_revenue_account="410300"),
            product("LIC", 2500, product_type="addon", tax_category="exempt"),
            *extra_products,
        ],
        "subscriptions.csv": [
            subscription("S1", "A1", "BASE", "2025-03-01"),
            subscription("S2", "A1", "NET", "2026-10-19", **ended(nets_end)),
            subscription("S3", "A2", "BASE", "2025-03-01", **ended("2026-10-11")),
            subscription("S4", "A2", "LIC", "2025-03-01", **ended(lics_end)),
            subscription("S5", "A3", "BASE", "2025-03-01"),
        ],
    }


def _inbox(inbox: Path, extra_accounts: list[dict] = (), usage_id: str = "20261101-0001") -> None:
    write_delivery(inbox, "cms", "20261101-0001", cms_snapshot(extra_accounts))
    usage_extract(inbox, usage_id)
    quiet_extracts(inbox, "20261101-0001")


def _run(inbox: Path, home: Path, *flags: str):
    """The cycle's bill run; no PDFs (no test here reads one: tests/invoice_renderer)."""
    return cablebill(
        "run", *flags, "--no-pdf", "--inbox", str(inbox), "--cycle", "2026-11-01",
        "--home", str(home),
    )  # fmt: skip


def _digests(folder: Path) -> dict[str, str]:
    """Each file's checksum, but the run manifest's (it names the run that wrote it)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != run_manifest.FILE_NAME
    }


@dataclass
class Billed:
    """One small cycle, previewed and then billed, shared by the read-only checks."""

    inbox: Path
    home: Path
    preview: subprocess.CompletedProcess
    exported_by_preview: bool
    ledger_after_preview: int
    first: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def billed(tmp_path_factory) -> Billed:
    """Billed in folders and from a delivery whose names hold quotes: names are data,
    never SQL, from ingest to the exports' gate."""
    root = tmp_path_factory.mktemp("bill-run")
    inbox, home = root / "in'box", root / "O'Brien's home"
    _inbox(inbox, usage_id="20261101-O'Brien")
    preview = _run(inbox, home, "--preview")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        ((in_ledger,),) = con.execute("select count(*) from ledger.invoices").fetchall()
    exported = (home / "exports").exists()
    return Billed(inbox, home, preview, exported, in_ledger, _run(inbox, home))


def test_a_preview_consumes_no_numbers_and_writes_no_exports(billed):
    preview = billed.preview
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "preview 2026-11-01 done" in preview.stdout
    assert "invoice total:       34,380.00 KRW" in preview.stdout
    assert not billed.exported_by_preview
    assert billed.ledger_after_preview == 0
    assert billed.first.returncode == 0
    numbers = [r["invoice_no"] for r in read_csv(billed.home / "exports/2026-11-01/invoices.csv")]
    assert numbers == ["INV-2026-00000001", "INV-2026-00000002"]  # the preview used none


def test_a_bill_run_matches_the_hand_computed_bills(billed):
    first, home = billed.first, billed.home
    assert first.returncode == 0, first.stdout + first.stderr
    assert "accounts billed:     2" in first.stdout
    assert "invoice total:       34,380.00 KRW" in first.stdout

    exports = home / "exports" / "2026-11-01"
    invoices = {r["account_id"]: r for r in read_csv(exports / "invoices.csv")}
    assert set(invoices) == {"A1", "A2"}
    a1, a2 = invoices["A1"], invoices["A2"]
    assert (
        a1["supply_amount"],
        a1["vat_amount"],
        a1["rounding_amount"],
        a1["current_charges"],
        a1["amount_due"],
    ) == ("24732.00", "2473.00", "-5.00", "27200.00", "27200.00")
    assert (
        a2["supply_amount"],
        a2["vat_amount"],
        a2["rounding_amount"],
        a2["current_charges"],
    ) == ("6758.00", "425.00", "-3.00", "7180.00")
    assert (a1["period_start"], a1["period_end"], a1["issue_date"], a1["due_date"]) == (
        "2026-10-01",
        "2026-11-01",
        "2026-11-01",
        "2026-11-23",
    )

    lines = [
        (
            r["line_no"],
            r["line_type"],
            r["product_code"],
            r["amount"],
            r["service_from"],
            r["service_to"],
        )
        for r in read_csv(exports / "invoice_lines.csv")
        if r["invoice_no"] == a1["invoice_no"]
    ]
    assert lines == [
        ("1", "recurring", "BASE", "13200.00", "2026-10-01", "2026-11-01"),
        ("2", "recurring", "NET", "11532.00", "2026-10-19", "2026-11-01"),
        ("3", "vat", "", "2473.00", "", ""),
        ("4", "rounding", "", "-5.00", "", ""),
    ]
    a2_lines = [
        r for r in read_csv(exports / "invoice_lines.csv") if r["invoice_no"] == a2["invoice_no"]
    ]
    assert [(r["product_code"], r["amount"]) for r in a2_lines] == [
        ("BASE", "4258.00"),
        ("LIC", "2500.00"),
        ("", "425.00"),
        ("", "-3.00"),
    ]
    assert a2_lines[0]["description_en"] == "BASE product (prorated 10/31 days)"

    statements = home / "statements" / "2026-11-01"
    a1_html = (statements / f"{a1['invoice_no']}.html").read_text(encoding="utf-8")
    assert "₩27,200" in a1_html and "요금 청구서" in a1_html
    a2_html = (statements / f"{a2['invoice_no']}.html").read_text(encoding="utf-8")
    assert "Your bill" in a2_html and "₩7,180" in a2_html
    assert (exports / "invoices.parquet").exists()


def test_the_run_manifest_lists_what_the_run_used_and_wrote(billed):
    """The manifest (outputs.md) names every delivery the cycle took in with its
    files' checksums, the seeds and settings with their hashes, the gates the run
    evaluated, and every file it wrote with its checksum; the warehouse keeps the
    same text. Each checksum is computed here again from the files themselves."""
    folder = billed.home / "exports" / "2026-11-01"
    text = (folder / run_manifest.FILE_NAME).read_text("utf-8")
    manifest = json.loads(text)
    assert manifest["cycle"] == "2026-11-01" and manifest["run_id"]
    written = {
        p.relative_to(billed.home).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for top in ("exports", "statements")
        for p in (billed.home / top / "2026-11-01").rglob("*")
        if p.is_file() and p.name != run_manifest.FILE_NAME
    }
    assert manifest["outputs"] == written
    assert "exports/2026-11-01/invoices.csv" in written
    assert "statements/2026-11-01/INV-2026-00000001.html" in written
    delivered = {
        (d["feed"], d["delivery_id"], name): f["sha256"]
        for d in manifest["inputs"]
        for name, f in d["files"].items()
    }
    on_disk = {
        (path.parts[-3], path.parts[-2], path.name): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in billed.inbox.glob("*/*/*.csv")
    }
    assert delivered == on_disk
    assert ("headend", "20261101-O'Brien", "vod_purchases.csv") in delivered
    seed = DBT_PROJECT_DIR / "seeds" / "tax_rates.csv"
    assert manifest["seeds"]["tax_rates.csv"] == hashlib.sha256(seed.read_bytes()).hexdigest()
    canonical = json.dumps(manifest["settings"], sort_keys=True, separators=(",", ":"))
    assert manifest["settings_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert manifest["settings"]["late_fee_pct"] is not None
    gates = {g["gate"]: g["passed"] for g in manifest["gates"]}
    assert gates["feeds_complete"] and gates["invoice_arithmetic"] and gates["exports_match_marts"]
    assert manifest["code"]["cablebill"]
    with duckdb.connect(str(billed.home / "warehouse.duckdb"), read_only=True) as con:
        kept = con.execute(
            "select run_id, manifest, sha256 from audit.run_manifests where cycle_date = ?",
            ["2026-11-01"],
        ).fetchall()
    assert kept == [(manifest["run_id"], text, hashlib.sha256(text.encode()).hexdigest())]


def test_verify_passes_a_cycle_as_written_and_names_every_file_changed(billed, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(billed.home, home)
    as_written = cablebill("verify", "--home", str(home), "--cycle", "2026-11-01")
    assert as_written.returncode == 0, as_written.stdout + as_written.stderr
    assert "verified: every file is as the run wrote it" in as_written.stdout
    with (home / "exports/2026-11-01/invoices.csv").open("a") as edited:
        edited.write("INV-2026-00000003,G99,0\n")
    (home / "statements/2026-11-01/INV-2026-00000002.html").unlink()
    (home / "exports/2026-11-01/extra.csv").write_text("x\n")
    tampered = cablebill("verify", "--home", str(home), "--cycle", "2026-11-01")
    assert tampered.returncode == 1
    assert "changed: exports/2026-11-01/invoices.csv" in tampered.stdout
    assert "missing: statements/2026-11-01/INV-2026-00000002.html" in tampered.stdout
    assert "not in the manifest: exports/2026-11-01/extra.csv" in tampered.stdout
    assert "NOT verified" in tampered.stdout
    unknown = cablebill("verify", "--home", str(home), "--cycle", "2026-12-01")
    assert unknown.returncode == 2 and "no run manifest of cycle 2026-12-01" in unknown.stderr


def test_an_agent_looks_up_an_account_masked_with_its_timeline(billed, tmp_path):
    """`cablebill account` builds the support views a warehouse lacks, then shows
    the overview (the name masked, the card by its last four digits) and every
    event in time order."""
    home = tmp_path / "home"
    shutil.copytree(billed.home, home)
    shown = cablebill("account", "--home", str(home), "A1")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "name_masked:        홍*동" in shown.stdout and "홍길동" not in shown.stdout
    assert "payment_detail:     **** 1234" in shown.stdout
    events = [line.split()[0] for line in shown.stdout.splitlines() if line.startswith("  20")]
    assert events == sorted(events) and len(events) >= 3
    assert "청구서 발행" in shown.stdout and "INV-2026-00000001" in shown.stdout
    english = cablebill("account", "--home", str(home), "A1", "--lang", "en")
    assert "Invoice issued" in english.stdout and "Subscribed: " in english.stdout
    missing = cablebill("account", "--home", str(home), "NOPE")
    assert missing.returncode == 2 and "no account NOPE" in missing.stderr


def test_each_ingested_table_shows_its_own_rows(billed):
    """raw/accounts shows the accounts its deliveries loaded, not the inbox's total,
    and how many rows the table holds (Dagster's row count)."""
    with DagsterInstance.from_config(str(billed.home / "dagster")) as instance:

        def metadata(*path: str) -> list[dict]:
            records = instance.fetch_materializations(AssetKey(list(path)), limit=2).records
            return [
                {k: v.value for k, v in r.asset_materialization.metadata.items()} for r in records
            ]

        run, preview = metadata("raw", "accounts")
        deliveries, _ = metadata("ingest", "deliveries")
    assert (
        preview | {"dagster/row_count": 3}
        == preview
        == {
            "rows_loaded": 3,
            "rows_quarantined": 0,
            "dagster/row_count": 3,
        }
    )
    assert run == {"rows_loaded": 0, "rows_quarantined": 0, "dagster/row_count": 3}
    assert deliveries["dagster/row_count"] == deliveries["deliveries_skipped"] > 0


def test_each_dbt_table_shows_the_cycles_rows_and_totals(billed):
    """What a person asks first of a built table, in Dagster: the cycle's invoices
    (A1 27,200 + A2 7,180 = 34,380 due; supply 24,732 + 6,758; VAT 2,473 + 425) and a
    journal whose debits equal its credits."""
    with DagsterInstance.from_config(str(billed.home / "dagster")) as instance:

        def latest(*path: str) -> dict:
            (record,) = instance.fetch_materializations(AssetKey(list(path)), limit=1).records
            return {k: v.value for k, v in record.asset_materialization.metadata.items()}

        invoices = latest("marts", "invoices")
        journal = latest("accounting", "journal_entries")
    assert {k: invoices[k] for k in invoices if k.startswith(("dagster/", "rows", "total"))} == {
        "dagster/row_count": 2,
        "rows_of": "cycle_date = 2026-11-01",
        "total supply_amount": "31,490.00",
        "total vat_amount": "2,898.00",
        "total amount_due": "34,380.00",
    }
    assert journal["total debit"] == journal["total credit"] != "0"


def test_a_closed_cycle_reruns_and_changes_nothing(billed):
    exports = billed.home / "exports" / "2026-11-01"
    statements = billed.home / "statements" / "2026-11-01"
    before = _digests(exports) | _digests(statements)
    second = _run(billed.inbox, billed.home)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "bill run 2026-11-01: cycle 2026-11-01 is already closed (2 invoices" in second.stdout
    assert "nothing was run" in second.stdout and "ledger_documents: passed" in second.stdout
    assert _digests(exports) | _digests(statements) == before


def test_a_failing_run_exits_non_zero_and_says_why(inbox, home):
    # what the connectors accept but a dbt test refuses: a promotion requiring 21 products
    requires = ";".join(f"P{n}" for n in range(21))
    promotion = {"promo_code": "MANY", "name": "many", "kind": "bundle", "value": 1000}
    files = cms_snapshot() | {"promotions.csv": [promotion | {"requires": requires, "priority": 1}]}
    write_delivery(inbox, "cms", "20261101-0001", files)
    usage_extract(inbox, "20261101-0001")
    quiet_extracts(inbox, "20261101-0001")
    result = _run(inbox, home)
    assert result.returncode == 1
    assert "bill run 2026-11-01 FAILED" in result.stderr
    assert "promotion_requires_at_most_20_entries" in result.stderr
    assert not (home / "exports" / "2026-11-01").exists()


def test_a_missing_inbox_is_a_usage_error(home, tmp_path):
    """The installed executable, as a program of its own: exit code 2, the reason."""
    result = cablebill_process(
        "run", "--inbox", str(tmp_path / "nowhere"), "--cycle", "2026-11-01", "--home", str(home)
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_a_cycle_day_no_account_bills_on_is_refused_and_takes_in_nothing(inbox, home):
    _inbox(inbox)
    result = cablebill("run", "--inbox", str(inbox), "--cycle", "2026-11-03", "--home", str(home))
    assert result.returncode == 1
    assert "no account bills on day 3" in result.stderr
    assert "bill-cycle days of the delivered accounts: 1, 15." in result.stderr
    assert "Failure" not in result.stderr  # a refusal, said in plain words
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        tables = {t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert "closed_deliveries" not in tables or not _closed_deliveries(home)


def _closed_deliveries(home: Path) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select * from ledger.closed_deliveries").fetchall()


@pytest.mark.parametrize("where", ["under a file", "is a file"])
def test_a_home_that_cannot_be_written_is_a_one_line_error(inbox, tmp_path, where):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    home = blocker / "home" if where == "under a file" else blocker
    _inbox(inbox)
    result = _run(inbox, home)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: home {home} cannot be written: ")


def test_a_run_killed_right_after_the_close_is_finished_by_the_next_one(billed, tmp_path):
    """kill -9 as soon as the ledger is closed: the next run finishes the journal, the
    exports and their gate, and the statements, byte for byte as the uninterrupted
    run of the same deliveries wrote them; the run after that has nothing to do."""
    inbox, home = tmp_path / "in'box", tmp_path / "O'Brien's home"
    _inbox(inbox, usage_id="20261101-O'Brien")
    command = [CABLEBILL, "run", "--no-pdf", "--inbox", str(inbox), "--cycle", "2026-11-01"]
    with subprocess.Popen(
        [*command, "--home", str(home)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    ) as killed:
        for line in killed.stdout:
            if "ledger: closed" in line:
                killed.send_signal(signal.SIGKILL)
                break
    assert killed.returncode == -signal.SIGKILL
    assert not (home / "statements" / "2026-11-01").exists()

    finished = _run(inbox, home)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "the cycle is closed, but its close left undone" in finished.stdout
    assert "bill run 2026-11-01 done" in finished.stdout
    for folder in ("exports/2026-11-01", "statements/2026-11-01"):
        assert _digests(home / folder) == _digests(billed.home / folder), folder

    again = _run(inbox, home)
    assert again.returncode == 0 and "nothing was run" in again.stdout


# What a close stopped between two of its models leaves: the cycle's numbers and
# invoices written, the rest not, and the cycle not marked closed.
STOPPED_AFTER_THE_INVOICES = (
    "delete from ledger.closed_cycles",
    "delete from ledger.invoice_lines",
    "delete from ledger.invoice_line_days",
    "delete from ledger.usage_suspense",
    "delete from ledger.invoice_accounts",
    "delete from ledger.statement_summaries",
    "delete from ledger.closed_deliveries",
)


def test_a_cycle_closed_before_the_ledger_gate_was_a_model_is_still_checked(billed, tmp_path):
    """A warehouse closed by an older version has no quality.ledger_documents: the
    rerun builds it, then checks the ledger as always."""
    home = tmp_path / "home"
    shutil.copytree(billed.home, home)
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute("drop view quality.ledger_documents")
    second = _run(billed.inbox, home)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "nothing was run" in second.stdout and "ledger_documents: passed" in second.stdout


def test_exports_written_again_without_their_views_build_them_first(billed, tmp_path, monkeypatch):
    """A cycle closed by an older version has no exports.* views: writing its
    exports again (the exports asset alone) builds them, and the files are the same."""
    home = tmp_path / "home"
    shutil.copytree(billed.home, home, ignore=shutil.ignore_patterns("exports"))
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute("drop schema exports cascade")
    monkeypatch.setenv("CABLEBILL_WAREHOUSE", str(home / "warehouse.duckdb"))
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(bill_cycles.name, ["2026-11-01"])
    result = materialize(
        [exports],
        partition_key="2026-11-01",
        instance=instance,
        resources={
            "cablebill": CablebillHome(home=str(home), inbox=str(billed.inbox)),
            "run_parameters": RunParameters(),
        },
    )
    assert result.success
    written = _digests(home / "exports" / "2026-11-01")
    assert written == _digests(billed.home / "exports" / "2026-11-01") and written


def test_a_close_stopped_half_way_is_finished_by_the_next_run(billed, tmp_path):
    """The next run bills the open cycle again and finishes its close under the
    numbers the stopped one gave; its files are those of the uninterrupted run."""
    home = tmp_path / "home"
    shutil.copytree(billed.home, home, ignore=shutil.ignore_patterns("exports", "statements"))
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        for statement in STOPPED_AFTER_THE_INVOICES:
            con.execute(statement)
    finished = _run(billed.inbox, home)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "ledger: closed 2026-11-01: 2 invoices" in finished.stdout
    for folder in ("exports/2026-11-01", "statements/2026-11-01"):
        assert _digests(home / folder) == _digests(billed.home / folder), folder


HOLD_THE_HOME = """
import sys, time
from pathlib import Path
from orchestration.home_lock import home_lock
with home_lock(Path(sys.argv[1]), "Dagster run 1a2b3c4d of bill_run"):
    print("holding", flush=True)
    time.sleep(60)
"""


def test_a_home_another_process_writes_is_refused_naming_the_holder(inbox, home):
    """One writer per home: the second is refused at once, told who holds it, and
    writes nothing."""
    _inbox(inbox)
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_HOME, str(home)], stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout.readline().strip() == "holding"
        refused = _run(inbox, home)
        holder.kill()
    assert refused.returncode == 75
    assert "is in use by Dagster run 1a2b3c4d of bill_run (process" in refused.stderr
    assert "try again when it has finished" in refused.stderr
    assert not (home / "warehouse.duckdb").exists()


def test_each_run_of_a_cycle_keeps_its_own_log(billed):
    """The preview and the run of the same cycle: two logs, neither overwritten; only
    the run's builds the journal."""
    logs = [p.read_text() for p in (billed.home / "logs").glob("bill-run-2026-11-01-*.log")]
    assert len(logs) == 2
    assert sorted("accounting.journal_entries" in log for log in logs) == [False, True]
