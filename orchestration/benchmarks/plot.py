"""The benchmark's plot: bill-run time and peak memory against scale."""

from __future__ import annotations

import json
from pathlib import Path

LANDED = "bill run from landed data"
CSV = "bill run from CSV deliveries (ingest + the above)"


def plot(results_dir: Path, out: Path) -> Path:
    """Draw every scale measured in `results_dir` (its `<scale>.json`) into `out`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measured = sorted(
        (json.loads(p.read_text(encoding="utf-8")) for p in results_dir.glob("*.json")),
        key=lambda r: r["accounts"],
    )
    runs = [r for r in measured if r["scale"] in ("small", "medium", "full")]
    light = [r for r in measured if r["scale"] == "full-accounts"]
    accounts = [r["accounts"] for r in runs]
    stage = lambda run, name: next(s for s in run["stages"] if s["name"] == name)  # noqa: E731
    figure, (time_axis, memory_axis) = plt.subplots(1, 2, figsize=(10, 4), dpi=110)
    for name, label in ((CSV, "from CSV"), (LANDED, "from landed data")):
        time_axis.plot(accounts, [stage(r, name)["wall"] for r in runs], "o-", label=label)
        memory_axis.plot(
            accounts, [stage(r, name)["peak_rss_mib"] / 1024 for r in runs], "o-", label=label
        )
        for run in light:  # the whole base with a tenth of the usage
            events = run["usage_events"] // run["accounts"]
            time_axis.plot(
                run["accounts"],
                stage(run, name)["wall"],
                "s",
                label=f"{label}, {events} events an account",
            )
            memory_axis.plot(
                run["accounts"],
                stage(run, name)["peak_rss_mib"] / 1024,
                "s",
                label=f"{label}, {events} events an account",
            )
    time_axis.axhline(60, color="grey", linestyle=":", label="target, landed (60 s)")
    memory_axis.axhline(4, color="grey", linestyle=":", label="target (4 GiB)")
    for axis, title, unit in (
        (time_axis, "bill run wall time", "seconds"),
        (memory_axis, "peak resident memory", "GiB"),
    ):
        axis.set_xscale("log")
        axis.set_yscale("log" if axis is time_axis else "linear")
        axis.set_xlabel("accounts (about 100 usage events each)")
        axis.set_ylabel(unit)
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    figure.suptitle(f"cablebill bench, {runs[-1]['machine']['cpus']} cores", fontsize=10)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    plt.close(figure)
    return out
