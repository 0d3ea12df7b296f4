"""A cycle's Data Docs keep every run's validations and work offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from expectations import validator
from expectations.gate import Expectation, publish_docs, run_suite


class _Assets(HTMLParser):
    """What a page loads: scripts, stylesheets, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def _validate(docs: Path, con: duckdb.DuckDBPyConnection, name: str) -> None:
    run_suite(
        name,
        con,
        "select * from (values (1), (null)) as t(a)",
        {},
        [Expectation.not_null("a")],
        id_columns=("a",),
        docs_dir=docs,
    )
    publish_docs(docs)


@pytest.fixture(params=["here", "in the validating process"])
def where(request):
    """The gates validate in this process, or in one of their own (the CLI's)."""
    if request.param != "here":
        validator.start()
    yield request.param
    validator.stop()


def test_each_run_of_a_gate_stays_listed_and_no_page_loads_from_the_network(tmp_path: Path, where):
    cycle, other = tmp_path / "2026-11-01", tmp_path / "2026-12-01"
    with duckdb.connect() as con:
        _validate(cycle, con, "feed_check")
        # another cycle in between: the first folder's context is gone, as in a new run
        _validate(other, con, "feed_check")
        _validate(cycle, con, "feed_check")
        _validate(cycle, con, "invoice_check")
    validator.flush()  # the validating process writes the pages while the caller goes on

    index = (cycle / "index.html").read_text(encoding="utf-8")
    pages = sorted(set(re.findall(r'href="(validations/[^"]+\.html)"', index)))
    assert [p.split("/")[1] for p in pages] == ["feed_check", "feed_check", "invoice_check"]
    assert all((cycle / p).is_file() for p in pages)

    for page in cycle.rglob("*.html"):
        parser = _Assets()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.urls, page
        for url in parser.urls:
            assert not urlsplit(url).scheme, f"{page.name} loads {url}"
            assert (page.parent / urlsplit(url).path).resolve().is_file(), f"{page.name}: {url}"


def test_a_failure_reads_the_same_wherever_it_is_validated(tmp_path: Path, where):
    with duckdb.connect() as con:
        result = run_suite(
            "feed_check",
            con,
            "select * from (values ('D1', 0.5), ('D2', 0.01)) as t(delivery_id, share)",
            {},
            [Expectation.between("share", max_value=0.1)],
            id_columns=("delivery_id",),
            docs_dir=tmp_path,
        )
    assert not result.success and result.rows_checked == 2
    assert result.describe() == (
        "feed_check: FAILED on 2 rows: expect_column_values_to_be_between(share) failed "
        "for 1 rows, e.g. [{'share': 0.5, 'delivery_id': 'D1'}]"
    )


def test_pages_that_cannot_be_written_are_reported_and_the_gate_goes_on(
    tmp_path: Path, where, caplog
):
    """The pages are a view of the stored results: a folder they cannot be written to
    is said in the log, and the next validation runs."""
    blocked = tmp_path / "blocked"
    with duckdb.connect() as con:
        _validate(blocked, con, "feed_check")
        validator.flush()
        (blocked / "static").rename(tmp_path / "moved")
        (blocked / "static").write_text("not a folder")
        _validate(blocked, con, "feed_check")
        validator.flush()
        _validate(tmp_path / "other", con, "invoice_check")
        validator.flush()
    assert "Data Docs not written" in caplog.text
    assert (tmp_path / "other" / "index.html").is_file()
