"""The two template environments: HTML (autoescaped) and Typst markup (every
value escaped for Typst), with the same filters."""

from __future__ import annotations

import re
import string
from decimal import Decimal

from jinja2 import Environment, PackageLoader, select_autoescape

from invoice_renderer import formatting

# Typst reads a backslash before any ASCII punctuation as that character, literally.
_TYPST_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")


class TypstCode(str):
    """Markup a template emits as it is (a Typst string literal, say)."""


def typst_string(value) -> TypstCode:
    """`value` as a Typst string literal."""
    return TypstCode('"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"')


def typst_text(value) -> str:
    """Text as literal Typst markup: no character of it can start markup or code.

    Numbers pass as they are, so that templates can use them as Typst values."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal | TypstCode):
        return str(value)
    return _TYPST_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _environment(**options) -> Environment:
    env = Environment(
        loader=PackageLoader("invoice_renderer"), trim_blocks=True, lstrip_blocks=True, **options
    )
    env.filters["day"] = formatting.day
    env.filters["last_day"] = formatting.last_day
    return env


HTML = _environment(autoescape=select_autoescape(["html.j2"]))
TYPST = _environment(autoescape=False, finalize=typst_text)
TYPST.filters["quoted"] = typst_string
