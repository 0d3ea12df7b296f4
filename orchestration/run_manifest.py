"""The run manifest (outputs.md): what a bill run used and wrote, so that an auditor
can check a closed cycle's files and know how they were made.

Every bill run that writes a cycle's files writes one, as the run's last step: the
cycle and run, each delivery the cycle took in with its files' checksums, the seeds
and settings in effect with their hashes, the code version, the gates the run
evaluated and the overrides recorded for the cycle, and every file under the
cycle's exports and statements folders with its checksum. It goes to
`exports/<cycle>/run-manifest.json` and to the warehouse (`audit.run_manifests`,
every run's kept); `verify` checks the folders against the newest one.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from connectors.manifest import sha256_of
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.views import exists

FILE_NAME = "run-manifest.json"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"

_TABLE = """
create schema if not exists audit;
create table if not exists audit.run_manifests (
    cycle_date date not null,
    run_id varchar not null,
    written_at timestamptz not null,
    manifest varchar not null,
    sha256 varchar not null,
    primary key (cycle_date, run_id)
)
"""

_INPUTS_SQL = """
select d.feed, d.delivery_id, d.extracted_at, d.fingerprint, d.files
from ledger.closed_deliveries as c
inner join ingest.deliveries as d on c.feed = d.feed and c.delivery_id = d.delivery_id
where c.cycle_date = $cycle
order by d.feed, d.delivery_id
"""

_OVERRIDES_SQL = """
select gate, reason, run_id from ledger.gate_overrides
where cycle_date = $cycle order by gate, run_id
"""


def digest(value) -> str:
    """The SHA-256 of `value` as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def output_files(home: Path, cycle: str) -> dict[str, str]:
    """Every file of the cycle's exports and statements folders but the manifest,
    by its path relative to `home`, with its SHA-256."""
    files = {}
    for folder in (home / "exports" / cycle, home / "statements" / cycle):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file() and path.name != FILE_NAME:
                files[path.relative_to(home).as_posix()] = sha256_of(path)
    return files


def seed_hashes() -> dict[str, str]:
    """Each seed file of the dbt project with its SHA-256."""
    return {path.name: sha256_of(path) for path in sorted(SEEDS_DIR.glob("*.csv"))}


def code_version() -> dict:
    """The installed package's version and, in a git checkout, its commit and whether
    files differ from it."""
    version = {"cablebill": importlib.metadata.version("cablebill")}
    root = DBT_PROJECT_DIR.parent
    git = ["git", "-C", str(root)]
    try:
        commit = subprocess.run(
            [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):  # not a checkout, or no git
        return version
    return version | {"commit": commit, "modified": bool(changed.strip())}


def build(
    con: duckdb.DuckDBPyConnection,
    home: Path,
    cycle: str,
    run_id: str,
    settings: dict,
    gates: list[dict],
) -> dict:
    """The manifest of run `run_id` of `cycle`, read from the warehouse `con` (the
    cycle closed) and the home's folders (its files written)."""
    day = {"cycle": date.fromisoformat(cycle)}
    inputs = [
        {
            "feed": feed,
            "delivery_id": delivery_id,
            "extracted_at": extracted_at.isoformat(),
            "fingerprint": fingerprint,
            "files": json.loads(files),
        }
        for feed, delivery_id, extracted_at, fingerprint, files in con.execute(
            _INPUTS_SQL, day
        ).fetchall()
    ]
    overrides = [
        {"gate": gate, "reason": reason, "run_id": by_run}
        for gate, reason, by_run in con.execute(_OVERRIDES_SQL, day).fetchall()
    ]
    return {
        "cycle": cycle,
        "run_id": run_id,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": inputs,
        "seeds": seed_hashes(),
        "settings": settings,
        "settings_sha256": digest(settings),
        "code": code_version(),
        "gates": gates,
        "gate_overrides": overrides,
        "outputs": output_files(home, cycle),
    }


def write(home: Path, warehouse: Path, manifest: dict) -> Path:
    """Write `manifest` to the cycle's exports folder (whole or not at all) and to the
    warehouse; writing a run's again replaces it."""
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    path = home / "exports" / manifest["cycle"] / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{FILE_NAME}.tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(_TABLE)
        con.execute(
            "insert or replace into audit.run_manifests values (?, ?, ?, ?, ?)",
            [
                date.fromisoformat(manifest["cycle"]),
                manifest["run_id"],
                datetime.fromisoformat(manifest["written_at"]),
                text,
                hashlib.sha256(text.encode()).hexdigest(),
            ],
        )
    return path


@dataclass
class Verification:
    """What `verify` found: the manifest's run, and each file that differs from it
    (the exports folder's copy of the manifest among them)."""

    run_id: str | None = None
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)


def verify(home: Path, warehouse: Path, cycle: str) -> Verification:
    """Check the cycle's exports and statements against its newest manifest in the
    warehouse: every file listed is there with its checksum, no other is, and the
    exports folder's copy of the manifest is the warehouse's."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = (
            con.execute(
                "select run_id, manifest, sha256 from audit.run_manifests "
                "where cycle_date = ? order by written_at desc, run_id desc limit 1",
                [date.fromisoformat(cycle)],
            ).fetchall()
            if exists(con, "audit", "run_manifests")
            else []
        )
    if not rows:
        return Verification()
    run_id, text, checksum = rows[0]
    listed = json.loads(text)["outputs"]
    found = output_files(home, cycle)
    result = Verification(run_id)
    result.changed = sorted(p for p in listed if p in found and found[p] != listed[p])
    result.missing = sorted(p for p in listed if p not in found)
    result.unlisted = sorted(p for p in found if p not in listed)
    copy = home / "exports" / cycle / FILE_NAME
    if not copy.is_file():
        result.missing.append(copy.relative_to(home).as_posix())
    elif sha256_of(copy) != checksum:
        result.changed.append(copy.relative_to(home).as_posix())
    return result
