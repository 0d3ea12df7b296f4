"""The console's access log (개인정보 접근기록): who looked at which account, when,
from where and how, one JSON line per lookup in `<home>/console/access-log.jsonl`.
Each line carries the SHA-256 of the line before it, so a line removed or edited
later breaks the chain (`verify_chain`)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import datetime
from pathlib import Path

FILE = Path("console") / "access-log.jsonl"
_lock = threading.Lock()


class AccessLog:
    def __init__(self, home: Path):
        self.file = home / FILE
        self.file.parent.mkdir(parents=True, exist_ok=True)

    def record(self, agent: str, action: str, account_ids: list[str], query: str, client: str):
        """Append one lookup: the agent, what it did (search, account, invoice,
        statement, api), the accounts it was shown, what it asked for (an invoice
        number or the kind of search: never the name or phone typed), from where."""
        with _lock:
            entry = {
                "at": datetime.now().astimezone().isoformat(timespec="seconds"),
                "agent": agent,
                "action": action,
                "accounts": account_ids,
                "query": query,
                "client": client,
                "previous_sha256": self._last_digest(),
            }
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
            with self.file.open("a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())

    def entries(self) -> list[dict]:
        if not self.file.exists():
            return []
        return [json.loads(line) for line in self.file.read_text("utf-8").splitlines()]

    def verify_chain(self) -> bool:
        """Whether each line names the digest of the one before it."""
        previous = None
        for line in self.file.read_text("utf-8").splitlines() if self.file.exists() else ():
            if json.loads(line)["previous_sha256"] != previous:
                return False
            previous = hashlib.sha256(line.encode()).hexdigest()
        return True

    def _last_digest(self) -> str | None:
        if not self.file.exists() or self.file.stat().st_size == 0:
            return None
        with self.file.open("rb") as fh:
            fh.seek(max(0, self.file.stat().st_size - 65536))
            last = fh.read().splitlines()[-1]
        return hashlib.sha256(last).hexdigest()
