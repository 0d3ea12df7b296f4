"""Synthetic feeds for demos, tests and benchmarks, written exactly to the feed contract."""

from connectors.synthetic.generate import generate

__all__ = ["generate"]
