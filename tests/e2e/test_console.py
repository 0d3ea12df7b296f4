"""The support console as an agent uses it, in Debian's Chromium through Playwright,
after three months of generated operation: refused without a session or with a
wrong password; an account found by phone (typed without hyphens) and by invoice
number; its timeline and why its bill changed; an invoice's lines and statement;
one access-log row per lookup; no card or resident registration number on any page;
and all of it while a run holds the warehouse. Screenshots go to the test's folder
(CABLEBILL_SCREENSHOTS=<folder> keeps them: docs/console-*.png)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect, sync_playwright
from stdnum import luhn
from stdnum.kr import rrn

from orchestration import publish
from orchestration.console.access_log import AccessLog
from orchestration.local_server import free_port, wait_until_up
from tests.e2e import CABLEBILL, CHROMIUM, CHROMIUM_FLAGS

pytestmark = pytest.mark.slow

AGENT, PASSWORD = "kim", "correct horse battery staple"


@pytest.fixture(scope="module")
def console(months_played, tmp_path_factory):
    """The console of a copy of the three months' home, an agent added: (url, home, feeds)."""
    feeds, played, _ = months_played
    home = tmp_path_factory.mktemp("console") / "home"
    shutil.copytree(played, home)
    subprocess.run(
        [CABLEBILL, "console-agent", "--home", str(home), AGENT, "--name", "김상담"],
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [CABLEBILL, "console", "--home", str(home), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/login", server, seconds=60)
        yield url, home, feeds
    finally:
        server.terminate()
        server.wait(timeout=30)


def _card_or_rrn(text: str) -> str | None:
    """A Luhn-valid 15- or 16-digit card number, or a valid resident registration
    number, in `text` (a virtual account's 14 digits are neither)."""
    for run in re.findall(r"(?<!\d)\d(?:[ -]?\d){14,15}(?!\d)", text):
        if luhn.is_valid(re.sub(r"\D", "", run)):
            return run
    for front, back in re.findall(r"(?<!\d)(\d{6})-?(\d{7})(?!\d)", text):
        if rrn.is_valid(front + back):
            return front + back
    return None


def _subject(home: Path, feeds: Path) -> tuple[str, str, str]:
    """An account whose latest bill differs from the one before, with a phone no
    other account has (generated phones repeat; a search finding several lists them):
    (account id, phone digits, another account's latest invoice number)."""
    with duckdb.connect(str(publish.path(home)), read_only=True) as con:
        changed = [
            r[0] for r in con.execute("select distinct account_id from bill_changes").fetchall()
        ]
        (other,) = con.execute(
            "select invoice_no from invoices where account_id <> ? "
            "order by issue_date desc, invoice_no limit 1",
            [changed[0]],
        ).fetchone()
    latest = max((home / "inbox").glob("cms/*/accounts.csv"), key=lambda p: p.parent.name)
    with latest.open(encoding="utf-8") as fh:
        phones = {r["account_id"]: re.sub(r"\D", "", r["phone"]) for r in csv.DictReader(fh)}
    shared = Counter(phones.values())
    account_id = next(a for a in changed if phones.get(a) and shared[phones[a]] == 1)
    return account_id, phones[account_id], other


def test_an_agent_finds_an_account_and_sees_why_its_bill_changed(console, tmp_path):
    url, home, feeds = console
    shots = Path(os.environ.get("CABLEBILL_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    account_id, phone, other_invoice = _subject(home, feeds)
    # no session: every page sends to the login page
    with urllib.request.urlopen(f"{url}/accounts/{account_id}") as response:
        assert response.url == f"{url}/login"
    # a run holds the warehouse meanwhile: the console reads its publication
    with (
        duckdb.connect(str(home / "warehouse.duckdb")),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/")
        page.fill("#agent", AGENT)
        page.fill("#password", "wrong")
        page.click("form[action='/login'] button")
        expect(page.get_by_role("alert")).to_contain_text("비밀번호가 맞지 않습니다")
        page.screenshot(path=shots / "console-login-refused.png")
        page.fill("#agent", AGENT)
        page.fill("#password", PASSWORD)
        page.click("form[action='/login'] button")
        expect(page.locator("header")).to_contain_text("김상담")

        page.fill("input[name=q]", phone)
        page.press("input[name=q]", "Enter")
        page.wait_for_url(f"{url}/accounts/{account_id}")
        expect(page.locator("#timeline tr")).not_to_have_count(1)
        expect(page.locator("#bill-changes")).to_be_visible()
        pages = [page.content()]
        page.screenshot(path=shots / "console-account.png", full_page=True)

        page.fill("input[name=q]", other_invoice)
        page.press("input[name=q]", "Enter")
        page.wait_for_url(re.compile(r"/accounts/"))
        pages.append(page.content())
        page.click(f"a[href='/invoices/{other_invoice}'] >> nth=0")
        expect(page.locator("#lines tr")).not_to_have_count(1)
        pages.append(page.content())
        page.screenshot(path=shots / "console-invoice.png", full_page=True)
        page.click("a:has-text('HTML')")
        expect(page.locator("body")).to_contain_text(other_invoice)
        pages.append(page.content())
        browser.close()

    assert not [found for found in map(_card_or_rrn, pages) if found]
    log = AccessLog(home)
    entries = log.entries()
    assert [e["action"] for e in entries] == [
        "login_failed",
        "login",
        "search",
        "account",
        "search",
        "account",
        "invoice",
        "statement_html",
    ]
    assert all(e["agent"] == AGENT for e in entries)
    assert entries[2]["query"] == "phone" and entries[2]["accounts"] == [account_id]
    assert entries[4]["query"] == f"invoice_no {other_invoice}"
    assert phone not in log.file.read_text("utf-8")
    assert log.verify_chain()


def test_a_login_without_its_form_token_is_refused(console):
    """A form posted from elsewhere carries no CSRF token: refused, however right
    the password."""
    url, _, _ = console
    form = urllib.parse.urlencode({"agent": AGENT, "password": PASSWORD}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(f"{url}/login", data=form))
    assert refused.value.code == 403


def test_the_self_care_app_reads_usage_so_far_with_its_token(console):
    """The last collections day's usage so far, as exported, through the token-protected
    endpoint; refused without the token; the read written to the access log."""
    url, home, _ = console
    token = subprocess.run(
        [CABLEBILL, "console-token", "--home", str(home)],
        text=True,
        check=True,
        capture_output=True,
    ).stdout.strip()
    (last_day,) = sorted((home / "collections").iterdir())[-1:]
    with (last_day / "usage_so_far.csv").open(encoding="utf-8-sig") as fh:
        exported = next(csv.DictReader(fh))
    address = f"{url}/api/accounts/{exported['account_id']}/usage"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(address)
    assert refused.value.code == 401
    request = urllib.request.Request(address, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request) as response:
        usage = json.load(response)
    assert usage["as_of"] == exported["as_of"] == last_day.name
    assert Decimal(usage["projected_charges"]) == Decimal(exported["projected_charges"])
    assert usage["vod_views"]["left"] == int(exported["vod_views_left"])
    assert usage["data"]["used_bytes"] == int(exported["data_used_bytes"])
    last = AccessLog(home).entries()[-1]
    assert (last["action"], last["accounts"]) == ("api_usage", [exported["account_id"]])
