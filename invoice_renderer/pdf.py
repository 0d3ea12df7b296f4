"""Typst markup to PDF, with a Hangul font or not at all.

Typst falls back to its own fonts, which have no Hangul, when the font a template
names is missing: the PDF would show empty boxes. `to_pdf` refuses instead. The font
comes from Debian's fonts-nanum (`make install` installs it) or any folder of
`CABLEBILL_FONT_PATH` (':'-separated).
"""

from __future__ import annotations

import os
from functools import cache

import typst

DEFAULT_FONT_PATHS = ("/usr/share/fonts/truetype/nanum",)


class MissingFont(RuntimeError):
    """The font a statement is set in is not installed."""


def font_paths() -> tuple[str, ...]:
    configured = os.environ.get("CABLEBILL_FONT_PATH")
    return tuple(configured.split(":")) if configured else DEFAULT_FONT_PATHS


@cache
def _compiler(paths: tuple[str, ...]) -> typst.Compiler:
    """One compiler per process: it loads the fonts once."""
    return typst.Compiler(font_paths=list(paths), ignore_system_fonts=True)


def to_pdf(markup: str) -> bytes:
    """Compile `markup`; MissingFont when a font it names is not installed."""
    pdf, warnings = _compiler(font_paths()).compile_with_warnings(
        input=markup.encode("utf-8"), format="pdf"
    )
    missing = [str(w) for w in warnings if "unknown font family" in str(w)]
    if missing:
        raise MissingFont(
            f"{'; '.join(missing)} in {', '.join(font_paths())}: install Debian's "
            "fonts-nanum (make install does) or set CABLEBILL_FONT_PATH to a folder with it"
        )
    return pdf
