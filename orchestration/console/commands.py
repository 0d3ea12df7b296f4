"""`cablebill console`, `console-agent` and `console-token`."""

from __future__ import annotations

import contextlib
import getpass
import io
import sys

from orchestration import publish
from orchestration.console.agents import Agents
from orchestration.home_lock import HomeInUse, home_lock
from orchestration.settings import CablebillHome, warehouse_path


def run(args) -> int:
    return {"console": serve, "console-agent": add_agent, "console-token": add_token}[args.command](
        args
    )


def serve(args) -> int:
    """Publish the home once if it never was, then serve until interrupted."""
    import uvicorn

    from orchestration.console.app import create_app

    home = args.home.resolve()
    if not publish.path(home).exists() and warehouse_path(home).exists():
        try:
            publish_home(home)
        except HomeInUse as error:
            print(f"not published yet ({error}): the console shows it after that run")
    if not Agents(home).agents:
        print(f"no agent can log in yet: add one with `cablebill console-agent --home {home} ID`")
    print(f"support console of {home} on http://{args.host}:{args.port}/")
    # no access log: a search's address holds what the agent typed (a phone, a name)
    uvicorn.run(create_app(home), host=args.host, port=args.port, access_log=False)
    return 0


def publish_home(home) -> None:
    """Publish `home` now, holding it (HomeInUse when a run does)."""
    from orchestration.bill_run import configure_environment

    with (
        home_lock(home, "cablebill console (publishing)"),
        contextlib.redirect_stdout(io.StringIO()),  # dbt's log of the support views
    ):
        configure_environment(home, home)
        publish.publish(CablebillHome(home=str(home), inbox=str(home)))


def add_agent(args) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.agent_id}: ")
        if getpass.getpass("again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        Agents(args.home.resolve()).add_agent(args.agent_id, args.name, password)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"agent {args.agent_id} can log in to the console of {args.home}")
    return 0


def add_token(args) -> int:
    token = Agents(args.home.resolve()).add_token()
    print(token)
    print("keep it: only its digest is stored", file=sys.stderr)
    return 0
