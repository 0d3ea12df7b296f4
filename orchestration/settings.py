"""Where a deployment keeps its data, from the environment.

CABLEBILL_HOME holds the warehouse, landing, quarantine, exports and statements;
CABLEBILL_INBOX is where deliveries arrive. The CLI sets both; `make ui` too.
"""

from __future__ import annotations

import contextlib
import csv
import enum
import json
import os
import uuid
from pathlib import Path

import duckdb
import pydantic
import yaml
from dagster import Config, ConfigurableResource, EnvVar
from pydantic import PrivateAttr

from connectors import lake
from connectors.ingest import IngestReport, ingest_inbox
from connectors.validate import Rules
from connectors.warehouse import memory_limit
from invoice_renderer.etax import Party
from orchestration.home_lock import home_lock

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
# Spark: each publication of the lake gets a new token; a build whose Spark session
# registered the landed tables of that very publication is told so, and does not
# register them again (dbt_runner, macro register_landed_tables).
LAKE_VERSION_ENV = "CABLEBILL_LAKE_VERSION"
LAKE_REGISTERED_ENV = "CABLEBILL_LAKE_REGISTERED"


class Engine(enum.Enum):
    """The engines dbt builds on, the profile's targets (dbt_project/profiles.yml):
    DuckDB, embedded (the default), or Apache Spark (docs/scale-out.md)."""

    duckdb = "duckdb"
    spark = "spark"


DBT_TARGETS = tuple(engine.value for engine in Engine)

# The gates that may be overridden: anomalies a person can review and accept.
OVERRIDABLE_GATES = ("cycle_totals", "bill_jumps")
# Vars each run sets itself: the cycle or the day it is for.
RUN_DATES = {"cycle_date", "as_of"}


class CablebillHome(ConfigurableResource):
    """The deployment's folders and operator details (the operator's time zone is a
    billing setting, `operator_timezone`: dbt, ingest and the gates read the same
    one). A run holds the home's lock
    from its start to its end (orchestration.home_lock); a sensor, which only reads
    the inbox, does not."""

    home: str
    inbox: str
    operator_name: str = "케이블빌 방송"
    operator_phone: str = "1588-0000"
    operator_business_reg_no: str = "220-81-03560"
    operator_representative: str = "대표이사"
    operator_address: str = "서울특별시 중구 세종대로 110"
    operator_business_type: str = "정보통신업"  # 업태
    operator_business_item: str = "유선방송 및 인터넷 접속 서비스"  # 종목
    operator_email: str = "etax@cablebill.example"
    # The bank that issues the operator's virtual accounts (statements, notices).
    virtual_account_bank: str = "우리은행"
    # Operator time (HH:MM) after which a cycle day's feeds are expected in.
    feed_cutoff: str = "04:00"
    target: Engine | None = pydantic.Field(
        default=None,
        description="The engine dbt builds on. A home's first run chooses it (this, else "
        "CABLEBILL_TARGET, else duckdb); later runs keep it and refuse another.",
    )

    _lock: contextlib.ExitStack | None = PrivateAttr(default=None)

    def setup_for_execution(self, context) -> None:
        requested = self.target.value if self.target else os.environ.get("CABLEBILL_TARGET")
        os.environ["CABLEBILL_TARGET"] = home_target(self.home_dir, requested)
        os.environ.update(engine_environment(self.home_dir))
        run = context.run
        if run is not None:
            self._lock = contextlib.ExitStack()
            holder = f"Dagster run {run.run_id[:8]} of {run.job_name}"
            self._lock.enter_context(home_lock(self.home_dir, holder))

    def teardown_after_execution(self, context) -> None:
        from orchestration import dbt_runner  # here: dbt_runner imports this module

        dbt_runner.drain()  # a build the run started in the background ends first
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    @property
    def home_dir(self) -> Path:
        return Path(self.home)

    @property
    def warehouse(self) -> Path:
        return warehouse_path(self.home_dir)

    def ingest(self, settings: dict) -> IngestReport:
        """Load every new delivery of the inbox, as `settings` (billing_settings()
        and a run's overrides, the operator's time zone among them) say, in the
        currencies the platform bills in."""
        rules = Rules(settings["max_text_length"], billed_currencies())
        report = ingest_inbox(
            Path(self.inbox), self.warehouse, self.home_dir, settings["operator_timezone"], rules
        )
        if self.on_spark:
            with duckdb.connect(str(self.warehouse), read_only=True) as con:
                lake.publish(con, lake_path(self.home_dir))
            # the builds from now on read this publication (dbt_runner)
            os.environ[LAKE_VERSION_ENV] = uuid.uuid4().hex
        return report

    @property
    def on_spark(self) -> bool:
        """Whether dbt builds this home's tables on Spark (docs/scale-out.md)."""
        return dbt_target() == "spark"

    def read_warehouse(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection, for steps that only read the marts."""
        return read_warehouse(self.home_dir)

    def exports_dir(self, cycle: str) -> Path:
        return self.home_dir / "exports" / cycle

    def statements_dir(self, cycle: str) -> Path:
        return self.home_dir / "statements" / cycle

    def collections_dir(self, day: str) -> Path:
        return self.home_dir / "collections" / day

    def quality_dir(self, cycle: str) -> Path:
        return self.home_dir / "quality" / cycle

    @property
    def operator(self) -> dict:
        """The operator as statements and notices show it."""
        return {
            "name": self.operator_name,
            "phone": self.operator_phone,
            "business_reg_no": self.operator_business_reg_no,
            "address": self.operator_address,
            "email": self.operator_email,
            "virtual_account_bank": self.virtual_account_bank,
        }

    @property
    def supplier(self) -> Party:
        """The operator as the supplier on e-tax invoices."""
        return Party(
            self.operator_business_reg_no,
            self.operator_name,
            self.operator_representative,
            self.operator_business_type,
            self.operator_business_item,
            self.operator_email,
            self.operator_address,
        )


def warehouse_path(home: Path) -> Path:
    return home / "warehouse.duckdb"


def read_warehouse(home: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the tables of `home` (on Spark, DuckDB over the
    Parquet files it wrote: orchestration/spark_tables.py)."""
    if dbt_target() == "spark":
        from orchestration import spark_tables

        return spark_tables.connect(spark_warehouse_path(home), lake_path(home))
    return duckdb.connect(
        str(warehouse_path(home)), read_only=True, config={"memory_limit": memory_limit()}
    )


def spark_warehouse_path(home: Path) -> Path:
    """Where Spark keeps a home's tables and their catalog (the Spark target)."""
    return home / "spark-warehouse"


def lake_path(home: Path) -> Path:
    """Where a home's landed feeds are published as Parquet (the Spark target)."""
    return home / "lake"


def dbt_target() -> str:
    """The dbt target of this deployment: duckdb (the default) or spark
    (CABLEBILL_TARGET)."""
    name = os.environ.get("CABLEBILL_TARGET", "duckdb")
    if name not in DBT_TARGETS:
        raise ValueError(f"CABLEBILL_TARGET={name}: the targets are {', '.join(DBT_TARGETS)}")
    return name


def home_target(home: Path, requested: str | None) -> str:
    """The dbt target of `home`: the one its first run used (kept in `<home>/target`;
    a home from before that file bills on DuckDB), else `requested`, else duckdb.
    ValueError when `requested` is another: the ledger of a home lives in one engine."""
    marker = home / "target"
    kept = marker.read_text("utf-8").strip() if marker.exists() else None
    if kept is None and warehouse_path(home).exists():
        kept = "duckdb"
    if kept and requested and requested != kept:
        raise ValueError(
            f"home {home} bills on {kept}; it cannot switch to {requested} (its ledger "
            f"is in {kept}): use another home"
        )
    chosen = kept or requested or "duckdb"
    if not kept:
        home.mkdir(parents=True, exist_ok=True)
        marker.write_text(chosen + "\n", "utf-8")
    return chosen


def engine_environment(home: Path) -> dict[str, str]:
    """What dbt's Spark profile reads of a home (profiles.yml): its folders, and
    Spark's log settings."""
    return {
        "CABLEBILL_SPARK_WAREHOUSE": str(spark_warehouse_path(home.resolve())),
        "CABLEBILL_LAKE": str(lake_path(home.resolve())),
        "CABLEBILL_SPARK_LOG_CONFIG": str(DBT_PROJECT_DIR / "spark" / "log4j2.properties"),
    }


def home_from_env() -> CablebillHome:
    return CablebillHome(home=EnvVar("CABLEBILL_HOME"), inbox=EnvVar("CABLEBILL_INBOX"))


def billed_currencies() -> frozenset[str]:
    """The currencies the platform bills in: those of the `currencies` seed, which
    gives each its minor unit and rounding step."""
    with (DBT_PROJECT_DIR / "seeds" / "currencies.csv").open(encoding="utf-8") as fh:
        return frozenset(row["currency"] for row in csv.DictReader(fh))


def billing_settings() -> dict:
    """The billing settings (dbt vars) and their defaults, from dbt_project.yml."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return project["vars"]


def _setting_type(default) -> type:
    return list[type(default[0])] if isinstance(default, list) else type(default)


# Every billing setting a run may change, typed as its default in dbt_project.yml.
BillingSettings = pydantic.create_model(
    "BillingSettings",
    __base__=Config,
    __doc__="The billing settings of a run (docs/settings.md); defaults from dbt_project.yml.",
    **{
        name: (_setting_type(default), default)
        for name, default in billing_settings().items()
        if name not in RUN_DATES
    },
)


class RunParameters(ConfigurableResource):
    """What a run is told, typed (the launchpad shows every field): the billing
    settings, which are also the dbt vars, and the anomaly gates ops let pass for
    this run, each with the reason recorded in the ledger."""

    settings: BillingSettings = BillingSettings()
    gate_overrides: dict[str, str] = pydantic.Field(default_factory=dict)

    @pydantic.field_validator("gate_overrides")
    @classmethod
    def _overridable_with_a_reason(cls, overrides: dict[str, str]) -> dict[str, str]:
        return parse_gate_overrides(list(overrides), None, overrides)

    def billing(self) -> dict:
        """The run's settings, every one of them, as dbt reads its vars."""
        return self.settings.model_dump()


def parse_overrides(pairs: list[str]) -> dict:
    """`NAME=VALUE` pairs as settings for one run; ValueError names an unknown setting
    or a value of the wrong type.

    Values are JSON where they parse as JSON (numbers, lists), text otherwise.
    """
    settable = sorted(set(billing_settings()) - RUN_DATES)
    overrides = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or name not in settable:
            raise ValueError(
                f"cannot set {pair!r}: settings are NAME=VALUE, one of {', '.join(settable)}"
            )
        try:
            overrides[name] = json.loads(text)
        except json.JSONDecodeError:
            overrides[name] = text
    try:
        BillingSettings(**overrides)
    except pydantic.ValidationError as error:
        wrong = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in error.errors())
        raise ValueError(f"cannot set {wrong}") from None
    return overrides


def parse_gate_overrides(
    gates: list[str], reason: str | None, reasons: dict[str, str] | None = None
) -> dict[str, str]:
    """The gates to let pass for one run, each with `reason` (or its own, in
    `reasons`); ValueError says what is wrong (an unknown gate, no reason)."""
    if not gates:
        return {}
    unknown = sorted(set(gates) - set(OVERRIDABLE_GATES))
    if unknown:
        raise ValueError(
            f"cannot override {', '.join(unknown)}: only {', '.join(OVERRIDABLE_GATES)} "
            "can be overridden"
        )
    given = {gate: (reasons or {}).get(gate, reason) or "" for gate in gates}
    if not all(text.strip() for text in given.values()):
        raise ValueError("an override needs a reason (--reason), recorded with the cycle")
    return {gate: text.strip() for gate, text in given.items()}
