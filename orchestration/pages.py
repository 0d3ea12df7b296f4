"""The HTML pages cablebill shows people other than subscribers (the shadow billing
report, the support console): Jinja2 templates in orchestration/templates,
autoescaped, with the statements' money formatting."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from invoice_renderer import formatting

_ENV = Environment(
    loader=PackageLoader("orchestration"),
    autoescape=select_autoescape(["html.j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["money"] = formatting.money
_ENV.filters["last_day"] = formatting.last_day


def render(template: str, **context) -> str:
    """Template `template` filled in with `context`."""
    return _ENV.get_template(template).render(**context)
