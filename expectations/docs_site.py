"""The Data Docs site of a cycle's gates: every validation of every run, in pages
that work offline.

Great Expectations writes the pages (its SiteBuilder, with the views below). Its
own templates load Bootstrap, jQuery, Font Awesome, bootstrap-table and Vega from
CDNs, and its logo from a URL that reports the context's id: offline, the index
shows no table at all. The templates in `docs_templates/` come first: the assets
are read from the site's `static/vendor/`, copied from the XStatic packages, and
the index's tables are plain HTML.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import xstatic.pkg.bootstrap
import xstatic.pkg.font_awesome
import xstatic.pkg.jquery
from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import BytecodeCache, ChoiceLoader, FileSystemLoader
from jinja2.bccache import Bucket

TEMPLATES = Path(__file__).parent / "docs_templates"
# What the pages load: (folder under static/vendor, XStatic package, its files).
VENDOR = (
    ("bootstrap", xstatic.pkg.bootstrap, ("css/bootstrap.min.css", "js/bootstrap.bundle.min.js")),
    ("jquery", xstatic.pkg.jquery, ("jquery.min.js",)),
    ("font_awesome", xstatic.pkg.font_awesome, ("css/all.min.css", "webfonts")),
)


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once per process: GX makes a view, with a Jinja environment
    of its own, for every page it writes, and compiling its templates took most of
    the time of writing a gate's pages (about 0.15 s)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


class _LocalTemplates:
    """A GX view whose templates are looked up in docs_templates/ first."""

    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
        super().__init__(custom_styles_directory, custom_views_directory)
        self.env.loader = ChoiceLoader([FileSystemLoader(TEMPLATES), self.env.loader])
        self.env.bytecode_cache = _COMPILED


class PageView(_LocalTemplates, DefaultJinjaPageView):
    """A validation's or a suite's page."""


class IndexPageView(_LocalTemplates, DefaultJinjaIndexPageView):
    """The site's index: every validation of the folder, newest first."""


def site_config(docs_dir: Path) -> dict:
    """The SiteBuilder configuration of a site written to `docs_dir`."""

    def view(name: str) -> dict:
        return {"view": {"module_name": __name__, "class_name": name}}

    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", **view("IndexPageView")},
        "site_section_builders": {
            "expectations": view("PageView"),
            "validations": view("PageView"),
            "profiling": view("PageView"),
        },
    }


def copy_assets(docs_dir: Path) -> None:
    """Copy what the pages load into `docs_dir`/static/vendor, once per site."""
    for folder, package, paths in VENDOR:
        source = Path(package.BASE_DIR)
        for path in paths:
            target = docs_dir / "static" / "vendor" / folder / path
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if (source / path).is_dir():
                shutil.copytree(source / path, target)
            else:
                shutil.copyfile(source / path, target)
