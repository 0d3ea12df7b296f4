"""Where a deployment keeps its data, from the environment.

CABLEBILL_HOME holds the warehouse, landing, quarantine, exports and statements;
CABLEBILL_INBOX is where deliveries arrive. The CLI sets both; `make ui` too.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from dagster import ConfigurableResource, EnvVar

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"


class CablebillHome(ConfigurableResource):
    """The deployment's folders and operator settings."""

    home: str
    inbox: str
    operator_timezone: str = "Asia/Seoul"
    operator_name: str = "케이블빌 방송"
    operator_phone: str = "1588-0000"

    @property
    def home_dir(self) -> Path:
        return Path(self.home)

    @property
    def warehouse(self) -> Path:
        return warehouse_path(self.home_dir)

    def read_warehouse(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection, for steps that only read the marts."""
        return duckdb.connect(str(self.warehouse), read_only=True)

    def exports_dir(self, cycle: str) -> Path:
        return self.home_dir / "exports" / cycle

    def statements_dir(self, cycle: str) -> Path:
        return self.home_dir / "statements" / cycle

    @property
    def operator(self) -> dict:
        return {"name": self.operator_name, "phone": self.operator_phone}


def warehouse_path(home: Path) -> Path:
    return home / "warehouse.duckdb"


def home_from_env() -> CablebillHome:
    return CablebillHome(home=EnvVar("CABLEBILL_HOME"), inbox=EnvVar("CABLEBILL_INBOX"))
