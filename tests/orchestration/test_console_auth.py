"""The console's credentials, login throttle and access log, without a browser."""

from __future__ import annotations

import json

from orchestration.console.access_log import AccessLog
from orchestration.console.agents import Agents, password_matches
from orchestration.console.app import LOCKOUT_MINUTES, MAX_FAILURES, Throttle


def test_a_password_is_kept_hashed_and_checked(tmp_path):
    agents = Agents(tmp_path)
    agents.add_agent("kim", "김상담", "correct horse")
    stored = json.loads(agents.file.read_text("utf-8"))["agents"]["kim"]["password"]
    assert stored.startswith("scrypt$") and "correct horse" not in agents.file.read_text()
    assert agents.file.stat().st_mode & 0o077 == 0
    again = Agents(tmp_path)
    assert again.check("kim", "correct horse")
    assert not again.check("kim", "correct horsE") and not again.check("lee", "correct horse")
    assert password_matches("x", stored) is False


def test_an_api_token_is_shown_once_and_kept_as_its_digest(tmp_path):
    token = Agents(tmp_path).add_token()
    assert token not in (tmp_path / "console" / "agents.json").read_text("utf-8")
    assert Agents(tmp_path).token_valid(token) and not Agents(tmp_path).token_valid(token + "x")


def test_an_agent_id_refused_five_times_is_locked_out_for_a_while():
    now = [0.0]
    throttle = Throttle(clock=lambda: now[0])
    for _ in range(MAX_FAILURES - 1):
        throttle.failed("kim")
    assert not throttle.locked("kim")
    throttle.failed("kim")
    assert throttle.locked("kim") and not throttle.locked("lee")
    now[0] = LOCKOUT_MINUTES * 60 + 1
    assert not throttle.locked("kim")


def test_an_edited_access_log_line_breaks_the_chain(tmp_path):
    log = AccessLog(tmp_path)
    for account in ("A1", "A2", "A3"):
        log.record("kim", "account", [account], "", "127.0.0.1")
    assert log.verify_chain()
    lines = log.file.read_text("utf-8").splitlines()
    lines[1] = lines[1].replace('"A2"', '"A9"')
    log.file.write_text("\n".join(lines) + "\n", "utf-8")
    assert not log.verify_chain()
