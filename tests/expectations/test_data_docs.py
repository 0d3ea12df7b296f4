"""A cycle's Data Docs keep every run's validations and work offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import great_expectations as gx

from expectations.gate import publish_docs, run_suite


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
        [gx.expectations.ExpectColumnValuesToNotBeNull(column="a")],
        id_columns=("a",),
        docs_dir=docs,
    )
    publish_docs(docs)


def test_each_run_of_a_gate_stays_listed_and_no_page_loads_from_the_network(tmp_path: Path):
    cycle, other = tmp_path / "2026-11-01", tmp_path / "2026-12-01"
    with duckdb.connect() as con:
        _validate(cycle, con, "feed_check")
        # another cycle in between: the first folder's context is gone, as in a new run
        _validate(other, con, "feed_check")
        _validate(cycle, con, "feed_check")
        _validate(cycle, con, "invoice_check")

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
