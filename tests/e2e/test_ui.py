"""The Dagster UI as ops use it: `dagster dev` on a free loopback port, a preview and
then a finalise run of one cycle launched through the GraphQL API, a second finalise
refused with a message, and the UI checked in Debian's Chromium driven by Playwright
(screenshots in the test's folder; CABLEBILL_SCREENSHOTS=<folder> keeps them)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus
from dagster_graphql import DagsterGraphQLClient
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

from orchestration.definitions import defs
from orchestration.local_server import free_port, wait_until_up
from tests.deliveries import (
    account,
    product,
    quiet_extracts,
    subscription,
    usage_extract,
    write_delivery,
)
from tests.e2e import CHROMIUM, CHROMIUM_FLAGS

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CYCLE = "2026-11-01"
LOCATION = "orchestration.definitions"
# `dagster dev` started from a script ignores SIGINT; the wrapper restores it.
WITH_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execvp(sys.argv[1], sys.argv[1:])"
)


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    root = tmp_path_factory.mktemp("ui")
    home, inbox, dagster_home = root / "home", root / "inbox", root / "dagster"
    dagster_home.mkdir()
    shutil.copy(REPO / "orchestration/deploy/dagster.yaml", dagster_home / "dagster.yaml")
    write_delivery(
        inbox,
        "cms",
        "20261101-0001",
        {
            "accounts.csv": [account("A1"), account("A2", language="en")],
            "products.csv": [product("BASE", 13200)],
            "subscriptions.csv": [
                subscription("S1", "A1", "BASE", "2025-03-01"),
                subscription("S2", "A2", "BASE", "2025-03-01"),
            ],
        },
    )
    usage_extract(inbox, "20261101-0001")
    quiet_extracts(inbox, "20261101-0001")
    env = os.environ | {
        "DAGSTER_HOME": str(dagster_home),
        "CABLEBILL_HOME": str(home),
        "CABLEBILL_INBOX": str(inbox),
        "CABLEBILL_WAREHOUSE": str(home / "warehouse.duckdb"),
    }
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        instance.add_dynamic_partitions("bill_cycles", [CYCLE])
    port = free_port()
    dagster = Path(sys.executable).parent / "dagster"
    command = [sys.executable, "-c", WITH_SIGINT, str(dagster), "dev", "-m", LOCATION]
    log = (root / "dagster-dev.log").open("w")
    server = subprocess.Popen(
        [*command, "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/server_info", server)
        yield {"port": port, "home": home, "dagster_home": dagster_home, "root": root}
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _run(client: DagsterGraphQLClient, job: str, **options) -> tuple[str, DagsterRunStatus]:
    run_id = client.submit_job_execution(job, tags={"dagster/partition": CYCLE}, **options)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        status = client.get_run_status(run_id)
        if status in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE):
            return run_id, status
        time.sleep(2)
    raise AssertionError(f"{job} run {run_id} did not finish")


def test_preview_then_finalise_through_graphql_and_a_second_finalise_does_nothing(ui):
    client = DagsterGraphQLClient("127.0.0.1", port_number=ui["port"])
    _, preview = _run(client, "bill_run_preview")
    assert preview == DagsterRunStatus.SUCCESS
    assert not (ui["home"] / "exports" / CYCLE).exists()

    no_pdf = {"ops": {"statements": {"config": {"pdf": False}}}}
    _, final = _run(client, "bill_run", run_config=no_pdf)
    assert final == DagsterRunStatus.SUCCESS
    exports = ui["home"] / "exports" / CYCLE
    assert (exports / "invoices.csv").read_text(encoding="utf-8").count("\n") == 3
    statements = sorted(p.name for p in (ui["home"] / "statements" / CYCLE).iterdir())
    assert statements == ["INV-2026-00000001.html", "INV-2026-00000002.html"]  # no PDF

    # a closed cycle is not billed again, and stays green: every step is skipped
    again, refused = _run(client, "bill_run", run_config=no_pdf)
    assert refused == DagsterRunStatus.SUCCESS
    with DagsterInstance.from_config(str(ui["dagster_home"])) as instance:
        events = instance.all_logs(again)
        said = [e.user_message for e in events if not e.dagster_event]
        failed = [e for e in events if e.dagster_event and e.dagster_event.is_step_failure]
        ran = instance.get_records_for_run(again, of_type=DagsterEventType.ASSET_MATERIALIZATION)
    assert any("cycle 2026-11-01 is already closed (2 invoices" in m for m in said), said
    assert not failed and not ran.records
    assert (exports / "invoices.csv").read_text(encoding="utf-8").count("\n") == 3


def test_the_ui_shows_the_bill_run_graph_and_the_last_runs(ui):
    shots = Path(os.environ.get("CABLEBILL_SCREENSHOTS", ui["root"]))
    shots.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{ui['port']}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{base}/locations/{LOCATION}/jobs/bill_run")
        skip = page.get_by_role("button", name="Skip")
        with contextlib.suppress(PlaywrightTimeout):
            skip.click(timeout=10_000)  # the first visit's "Join the Dagster community"
        # the job's asset graph (groups start collapsed; those off screen are not drawn)
        # and the job's latest run
        for group in ("ingest", "billing", "settings"):
            expect(page.get_by_text(group, exact=True).first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Latest run:")).to_be_visible(timeout=60_000)
        assets = len(defs.resolve_job_def("bill_run").asset_layer.executable_asset_keys)
        expect(page.get_by_role("button", name=f"View {assets} assets")).to_be_visible(
            timeout=60_000
        )
        page.screenshot(path=shots / "ui-bill-run-graph.png")

        page.goto(f"{base}/runs")
        expect(page.get_by_text("bill_run_preview").first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Success").first).to_be_visible(timeout=60_000)
        page.screenshot(path=shots / "ui-runs.png")
        browser.close()
    assert (shots / "ui-bill-run-graph.png").stat().st_size > 10_000
