"""The `cablebill` command: generate demo feeds, run a bill cycle or a day of
collections, dismiss a refused delivery, verify a cycle's files against its run
manifest, show an account as support sees it, refresh the calendar."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import io
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from expectations import validator
from orchestration import dbt_runner
from orchestration.business_calendar import write_seed
from orchestration.home_lock import HomeInUse, home_lock
from orchestration.settings import (
    DBT_PROJECT_DIR,
    DBT_TARGETS,
    OVERRIDABLE_GATES,
    CablebillHome,
    billing_settings,
    home_target,
    parse_gate_overrides,
    parse_overrides,
    warehouse_path,
)

log = logging.getLogger("cablebill.cli")
# Another process writes the home: try again later (sysexits' EX_TEMPFAIL).
EXIT_HOME_IN_USE = 75


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a YYYY-MM-DD date") from None


def _on_cycle(sub, name: str, help: str) -> argparse.ArgumentParser:
    """A command on one cycle of one home: --home and --cycle."""
    parser = sub.add_parser(name, help=help)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--cycle", type=_cycle, required=True, help="the cycle, YYYY-MM-DD")
    return parser


def _settings_option(parser: argparse.ArgumentParser, help: str) -> None:
    """--set NAME=VALUE, repeatable, into `settings`."""
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"{help}; repeatable",
    )


def _cycle(text: str) -> date:
    day = _day(text)
    if day.day > 28:
        raise argparse.ArgumentTypeError(f"{text}: bill cycle days are 1-28")
    return day


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cablebill", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser(
        "generate", help="write synthetic deliveries for one cycle, or months of them"
    )
    gen.add_argument("--accounts", type=int, required=True)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument(
        "--out",
        type=Path,
        required=True,
        help="the inbox to write into; with --cycles above 1, the feeds that `cablebill "
        "play` hands to an inbox as their time comes",
    )
    gen.add_argument("--cycle", type=_cycle, required=True, help="the first cycle date, YYYY-MM-DD")
    gen.add_argument(
        "--cycles", type=int, default=1, help="consecutive months to generate (default 1)"
    )
    gen.add_argument(
        "--usage-records",
        type=int,
        default=8,
        help="mean data-usage records per internet account and period",
    )

    play = sub.add_parser(
        "play",
        help="bill the months of generated feeds as they would happen: each delivery "
        "reaches the inbox when extracted, each cycle is billed, its bills paid and "
        "collected the day after they fall due",
    )
    play.add_argument("--feeds", type=Path, required=True, help="what `generate` wrote")
    play.add_argument("--home", type=Path, required=True, help="where to bill (its inbox too)")
    play.add_argument("--seed", type=int, default=1, help="the payments' seed")
    play.add_argument("--no-pdf", dest="pdf", action="store_false", help="HTML statements only")

    pay = sub.add_parser(
        "simulate-payments",
        help="write the payments that banks, gateways and subscribers make for a closed "
        "cycle's bills (synthetic: demos and tests)",
    )
    pay.add_argument("--home", type=Path, required=True, help="where the cycle was billed")
    pay.add_argument("--cycle", type=_cycle, required=True, help="the closed cycle, YYYY-MM-DD")
    pay.add_argument("--out", type=Path, required=True, help="the inbox to write into")
    pay.add_argument("--seed", type=int, default=1)

    scale = sub.add_parser(
        "bench",
        help="the bill run at scale, stage by stage, against a bare DuckDB floor "
        "(docs/benchmarks.md)",
    )
    scale.add_argument(
        "--scale", choices=("tiny", "small", "medium", "full", "full-accounts"), default="full"
    )
    scale.add_argument(
        "--root", type=Path, default=Path(".bench"), help="generated data is kept here"
    )
    scale.add_argument(
        "--plot", type=Path, help="then draw every scale measured so far into this PNG"
    )
    scale.add_argument(
        "--cycles",
        type=int,
        default=1,
        help="above 1: play that many monthly cycles instead, each bill run timed",
    )

    bench_console = sub.add_parser(
        "bench-console",
        help="time the support console's lookups on a billed home's accounts replicated "
        "to scale (docs/benchmarks.md)",
    )
    bench_console.add_argument("--home", type=Path, required=True, help="a billed home")
    bench_console.add_argument("--copies", type=int, default=10)
    bench_console.add_argument("--lookups", type=int, default=200)
    bench = sub.add_parser(
        "bench-statements",
        help="measure statement rendering (HTML and PDF per core, a whole cycle) "
        "on a generated cycle",
    )
    bench.add_argument("--home", type=Path, required=True, help="kept between runs")
    bench.add_argument("--accounts", type=int, default=10_000)
    bench.add_argument("--cycle", type=_cycle, default=date(2026, 11, 1))
    bench.add_argument("--repeat", type=int, default=3, help="passes; the median is reported")

    run = sub.add_parser("run", help="ingest the inbox and run the bill cycle")
    run.add_argument("--inbox", type=Path, required=True)
    run.add_argument(
        "--cycle", dest="day", type=_cycle, required=True, help="cycle date, YYYY-MM-DD"
    )
    run.add_argument(
        "--preview",
        action="store_true",
        help="build and check the drafts only: no invoice numbers, no exports",
    )
    _settings_option(run, "override a billing setting (docs/settings.md) for this run")
    run.add_argument(
        "--override",
        dest="overrides",
        action="append",
        default=[],
        choices=OVERRIDABLE_GATES,
        metavar="GATE",
        help=f"let an anomaly gate ({', '.join(OVERRIDABLE_GATES)}) pass for this run "
        "after review; needs --reason, recorded with the cycle",
    )
    run.add_argument("--reason", help="why the overridden gates may pass (with --override)")
    run.add_argument(
        "--no-pdf",
        dest="pdf",
        action="store_false",
        help="render HTML statements only (PDF for print is rendered by default)",
    )
    run.add_argument(
        "--home",
        type=Path,
        required=True,
        help="folder for the warehouse, exports, statements and quarantine",
    )
    run.add_argument(
        "--target",
        choices=DBT_TARGETS,
        help="the engine dbt builds on: duckdb (embedded, the default) or spark "
        "(docs/scale-out.md); a home keeps the engine of its first run",
    )

    collect = sub.add_parser(
        "collect",
        help="run the day's collections: dunning, headend commands, payment retries, "
        "write-offs, usage alerts",
    )
    collect.add_argument("--inbox", type=Path, required=True)
    collect.add_argument(
        "--as-of", dest="day", type=_day, required=True, help="the day, YYYY-MM-DD"
    )
    collect.add_argument("--home", type=Path, required=True)
    _settings_option(collect, "override a billing setting (docs/settings.md) for this run")
    collect.add_argument(
        "--target",
        choices=DBT_TARGETS,
        help="the engine dbt builds on: duckdb (embedded, the default) or spark "
        "(docs/scale-out.md); a home keeps the engine of its first run",
    )

    dismiss = sub.add_parser(
        "dismiss",
        help="dismiss a refused delivery that will not be redelivered, with a reason, so "
        "that it no longer blocks bill runs",
    )
    dismiss.add_argument("--home", type=Path, required=True)
    dismiss.add_argument("--feed", required=True, choices=("cms", "headend", "payments", "crm"))
    dismiss.add_argument("--delivery", dest="delivery_id", required=True, help="delivery id")
    dismiss.add_argument("--reason", required=True, help="why it will not come again")

    _on_cycle(
        sub, "verify", "check a closed cycle's exports and statements against its run manifest"
    )
    _on_cycle(
        sub,
        "replay",
        "rebuild a closed cycle's drafts from the deliveries it used and compare them "
        "with its closed invoices line for line",
    )
    shadow = _on_cycle(
        sub,
        "shadow",
        "bill a cycle with a candidate change (settings, catalog, VAT rates) in a "
        "scratch copy and write what it does to each account; the home is not written",
    )
    _settings_option(shadow, "a candidate billing setting (docs/settings.md)")
    shadow.add_argument(
        "--catalog", type=Path, help="a candidate catalog: products in the CMS feed's format"
    )
    shadow.add_argument(
        "--tax-rates", type=Path, help="candidate VAT rates: the tax_rates seed's columns"
    )
    shadow.add_argument("--out", type=Path, required=True, help="the folder to write into")

    console = sub.add_parser(
        "console", help="serve the support console (read-only web app for agents)"
    )
    console.add_argument("--home", type=Path, required=True)
    console.add_argument("--port", type=int, default=8470)
    console.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: this machine only)"
    )
    agent = sub.add_parser(
        "console-agent",
        help="let an agent log in to the console (the password is read from stdin, or asked)",
    )
    agent.add_argument("--home", type=Path, required=True)
    agent.add_argument("agent_id", help="the agent's login")
    agent.add_argument("--name", default="", help="the agent's name, as the console shows it")
    token = sub.add_parser(
        "console-token", help="make a token for the self-care app's usage endpoint (shown once)"
    )
    token.add_argument("--home", type=Path, required=True)

    account = sub.add_parser(
        "account", help="show an account as a support agent sees it: overview and timeline"
    )
    account.add_argument("--home", type=Path, required=True)
    account.add_argument("account_id", help="the account id")
    account.add_argument("--lang", choices=("ko", "en"), default="ko", help="labels' language")

    ticket = sub.add_parser(
        "ticket", help="show what a support ticket's adjustments became: documents, journals"
    )
    ticket.add_argument("--home", type=Path, required=True)
    ticket.add_argument("ticket_id", help="the support ticket id")

    sub.add_parser("calendar", help="regenerate the business-calendar seed from `holidays`")
    return parser


def _setup_logging() -> None:
    """Progress lines from cablebill's own loggers, to the current stdout; every other
    library stays quiet (a handler on the root logger turns a library's
    `logging.basicConfig()` into a no-op: snowplow's, imported with dbt, would print
    each INFO record). Called again, it replaces its handlers."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    for name in ("cablebill", "connectors", "invoice_renderer"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.handlers = [handler]
        logger.propagate = False


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _setup_logging()
    if args.command == "generate":
        from connectors.synthetic.generate import generate

        folders = generate(
            args.out, args.accounts, args.seed, args.cycle, args.usage_records, args.cycles
        )
        for folder in folders:
            print(f"wrote {folder}")
        return 0
    if args.command == "play":
        from orchestration.playback import play

        flags = [] if args.pdf else ["--no-pdf"]
        zone = ZoneInfo(billing_settings()["operator_timezone"])
        return play(args.feeds, args.home, args.seed, zone, flags)
    if args.command == "simulate-payments":
        from connectors.synthetic.payments import simulate_payments

        exports = args.home / "exports" / args.cycle.isoformat()
        if not (exports / "invoices.csv").is_file():
            print(f"error: no exports of a closed cycle in {exports}", file=sys.stderr)
            return 2
        for folder in simulate_payments(exports, args.out, args.cycle, args.seed):
            print(f"wrote {folder}")
        return 0
    if args.command == "calendar":
        path = DBT_PROJECT_DIR / "seeds" / "business_calendar.csv"
        print(f"wrote {write_seed(path)} days to {path}")
        return 0
    if args.command in ("dismiss", "verify", "replay", "shadow", "account", "ticket"):
        return _on_home(args)
    if args.command in ("console", "console-agent", "console-token"):
        from orchestration.console import commands

        return commands.run(args)
    if args.command == "bench" and args.cycles > 1:
        from orchestration.benchmarks.cycles import bench_cycles, table

        print(table(bench_cycles(args.root, args.scale, args.cycles)))
        return 0
    if args.command == "bench":
        from orchestration.benchmarks.bill_run import bench_bill_run, table
        from orchestration.benchmarks.plot import plot

        print(table(bench_bill_run(args.root, args.scale)))
        if args.plot:
            print(f"plot: {plot(args.root / 'results', args.plot)}")
        return 0
    if args.command == "bench-console":
        from orchestration.benchmarks.console import bench_console

        for name, value in bench_console(args.home, args.copies, args.lookups).items():
            print(f"  {name + ':':30s}{value}")
        return 0
    if args.command == "bench-statements":
        from orchestration.benchmarks.statements import bench_statements

        results = bench_statements(args.home, args.accounts, args.cycle, args.repeat)
        for name, value in results.items():
            print(f"  {name + ':':36s}{value}")
        return 0
    if not args.inbox.is_dir():
        print(f"error: inbox {args.inbox} does not exist", file=sys.stderr)
        return 2
    if reason := _unwritable(args.home):
        print(f"error: home {args.home} cannot be written: {reason}", file=sys.stderr)
        return 2
    try:
        settings = parse_overrides(args.settings)
        overrides = parse_gate_overrides(
            getattr(args, "overrides", []), getattr(args, "reason", None)
        )
        os.environ["CABLEBILL_TARGET"] = home_target(args.home, args.target)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for name, value in settings.items():
        log.info("setting %s = %s for this run", name, json.dumps(value))
    for gate, reason in overrides.items():
        log.info("gate %s overridden for this run: %s", gate, reason)
    # What a run loads (dbt's parsed project, Dagster's definitions) lives until the
    # process exits: frozen then, it spares the interpreter's last collections a pass
    # over millions of objects (1.4 s of every run). Only then: main() also runs inside
    # long-lived processes (the tests), where frozen objects would never be freed.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    # For a bill run the gates' process (expectations/validator.py), then dbt's, start
    # now: they load Great Expectations and parse the project while this process loads
    # Dagster, and, started before the home's lock is taken, never hold it. The gates'
    # first: dbt, imported here for dbt's process, is no part of it.
    if args.command == "run":
        validator.start()
    dbt_runner.start()
    try:
        with home_lock(args.home, f"cablebill {args.command} {args.day}"):
            return _run(args, settings, overrides)
    except HomeInUse as error:
        print(f"error: {error}; try again when it has finished", file=sys.stderr)
        return EXIT_HOME_IN_USE


def _run(args, settings: dict, overrides: dict[str, str]) -> int:
    """`cablebill run` or `collect`, holding the home."""
    from orchestration.bill_run import finish_closed_cycle, run_bill_cycle, run_collections

    log.info("%s %s: inbox %s, home %s", args.command, args.day, args.inbox, args.home)
    if args.command == "collect":
        result = run_collections(args.inbox, args.day, args.home, settings=settings)
    elif closed := _closed(args):
        # a closed cycle is never billed again; what its close left undone is finished
        result = None
        if not closed.blocked and not args.preview:
            result = finish_closed_cycle(args.inbox, args.day, args.home, args.pdf)
        if result is None:
            out = sys.stderr if closed.blocked else sys.stdout
            print(f"bill run {args.day}: {closed.message}", file=out)
            print(f"  data docs: {closed.docs_dir / 'index.html'}", file=out)
            return 1 if closed.blocked else 0
    else:
        result = run_bill_cycle(
            args.inbox,
            args.day,
            args.home,
            preview=args.preview,
            settings=settings,
            overrides=overrides,
            pdf=args.pdf,
        )
    if args.command == "run":
        _gate_summary(result)
    if not result.success:
        print(f"\n{result.title} FAILED", file=sys.stderr)
        for error in result.errors:
            print(f"- {error}", file=sys.stderr)
        print(f"full log: {result.log_path}", file=sys.stderr)
        return 1
    if args.command == "collect":
        return _collections_summary(result)
    return _bill_run_summary(result)


def _unwritable(home: Path) -> str | None:
    """Why `home` cannot hold a run's warehouse and files, or None when it can."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=home):
            pass
    except OSError as error:
        return error.strerror or str(error)
    return None


def _closed(args):
    """The cycle when it is closed, with its ledger checked again (None when open)."""
    from orchestration.bill_run import configure_environment
    from orchestration.cycles import closed_cycle

    home = CablebillHome(home=str(args.home), inbox=str(args.inbox))
    if not home.warehouse.exists():
        return None
    configure_environment(args.home, args.inbox)
    return closed_cycle(home, args.day, home.quality_dir(args.day.isoformat()))


def _gate_summary(result) -> None:
    """What the quality gates found: counts, then every gate that failed or warned."""
    if not result.gates:
        return
    failed = [g for g in result.gates if not g.passed]
    out = sys.stderr if any(g.blocking for g in failed) else sys.stdout
    print(
        f"\nquality gates: {len(result.gates) - len(failed)} of {len(result.gates)} passed",
        file=out,
    )
    for gate in failed:
        verdict = "BLOCKED by" if gate.blocking else "warning from"
        print(f"  {verdict} {gate.name}", file=out)
        for line in (gate.summary or "").splitlines():
            print(f"    {line}", file=out)
    print(f"  data docs: {result.quality_dir / 'index.html'}", file=out)


class _Refused(Exception):
    """A command's one-line refusal on stderr, with its exit code."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


@contextlib.contextmanager
def _holding(home: Path, what: str) -> Iterator[Path]:
    """The home's lock for a command on its warehouse (yielded); _Refused when the
    home has none or a run holds it."""
    warehouse = warehouse_path(home)
    if not warehouse.exists():
        raise _Refused(f"no warehouse at {warehouse}")
    try:
        with home_lock(home, what):
            yield warehouse
    except HomeInUse as error:
        raise _Refused(f"{error}; try again when it has finished", EXIT_HOME_IN_USE) from None


def _on_home(args) -> int:
    """dismiss, verify, replay, shadow, account and ticket: one home, one line when
    refused."""
    command = {
        "dismiss": _dismiss,
        "verify": _verify,
        "replay": _replay,
        "shadow": _shadow,
        "account": _account,
        "ticket": _ticket,
    }[args.command]
    try:
        return command(args)
    except _Refused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return refusal.code


def _dismiss(args) -> int:
    from connectors.dismissals import CannotDismiss, dismiss_refused_delivery

    try:
        with _holding(args.home, f"cablebill dismiss {args.feed}/{args.delivery_id}") as wh:
            dismissal = dismiss_refused_delivery(
                wh,
                args.feed,
                args.delivery_id,
                args.reason,
                billing_settings()["operator_timezone"],
            )
    except CannotDismiss as error:
        raise _Refused(str(error)) from None
    state = "dismissed" if dismissal.newly_dismissed else "already dismissed"
    print(
        f"{dismissal.feed}/{dismissal.delivery_id} {state} "
        f"at {dismissal.dismissed_at:%Y-%m-%d %H:%M}: {dismissal.reason}"
    )
    return 0


def _verdict(differences: dict[str, list], ok: str, not_ok: str) -> int:
    """Each difference under its label, then the verdict: 0 when there is none."""
    for label, items in differences.items():
        for item in items:
            print(f"  {label}: {item}")
    if any(differences.values()):
        print(not_ok)
        return 1
    print(ok)
    return 0


def _verify(args) -> int:
    from orchestration.run_manifest import verify

    cycle = args.cycle.isoformat()
    with _holding(args.home, f"cablebill verify {cycle}") as warehouse:
        found = verify(args.home, warehouse, cycle)
    if found.run_id is None:
        raise _Refused(f"no run manifest of cycle {cycle} in {warehouse}")
    print(f"run manifest of cycle {cycle}, run {found.run_id}")
    return _verdict(
        {"changed": found.changed, "missing": found.missing, "not in the manifest": found.unlisted},
        "verified: every file is as the run wrote it",
        "NOT verified: files differ from the run manifest",
    )


def _replay(args) -> int:
    from orchestration.bill_run import configure_environment
    from orchestration.replay import NotReplayable, replay

    cycle = args.cycle.isoformat()
    # dbt's log of the build is not the auditor's
    with (
        _holding(args.home, f"cablebill replay {cycle}"),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        if home_target(args.home, None) != "duckdb":
            raise _Refused("replay rebuilds on DuckDB; this home bills on Spark")
        configure_environment(args.home, args.home)
        try:
            found = replay(args.home, cycle)
        except NotReplayable as error:
            raise _Refused(str(error)) from None
    print(f"replayed cycle {cycle} (run {found.run_id}): {found.lines:,} closed lines")
    for change in found.changed_since:
        print(f"  changed since the run: {change}")
    return _verdict(
        {"closed, not rebuilt": found.only_closed, "rebuilt, not closed": found.only_rebuilt},
        "equal: the rebuilt drafts are the closed invoices, line for line",
        "NOT equal: the rebuilt drafts differ from the closed invoices",
    )


def _shadow(args) -> int:
    from connectors.ingest import CandidateRejected
    from orchestration.bill_run import configure_environment
    from orchestration.replay import NotReplayable
    from orchestration.shadow import Candidate, check, shadow

    cycle = args.cycle.isoformat()
    try:
        candidate = Candidate(parse_overrides(args.settings), args.catalog, args.tax_rates)
        check(candidate)
    except ValueError as error:
        raise _Refused(str(error)) from None
    with (
        _holding(args.home, f"cablebill shadow {cycle}"),
        contextlib.redirect_stdout(io.StringIO()),  # dbt's log of the builds
    ):
        if home_target(args.home, None) != "duckdb":
            raise _Refused("shadow billing builds on DuckDB; this home bills on Spark")
        configure_environment(args.home, args.home)
        try:
            found = shadow(args.home, cycle, candidate, args.out)
        except (NotReplayable, CandidateRejected) as error:
            raise _Refused(str(error)) from None
    state = "closed" if found.closed else "open"
    print(f"shadow billing of {state} cycle {cycle}: {', '.join(candidate.describe())}")
    print(f"  accounts billed:   {found.accounts:,}")
    print(f"  accounts affected: {found.affected:,}")
    for currency, (before, after) in sorted(found.totals.items()):
        print(f"  {currency} current charges: {before:,} -> {after:,} ({after - before:+,})")
    for path in found.files:
        print(f"  wrote {path}")
    return 0


@contextlib.contextmanager
def _support_views(args, key: str) -> Iterator:
    """A read connection to the home's support views, built first if missing."""
    from orchestration.bill_run import configure_environment
    from orchestration.support import SUPPORT_VIEWS
    from orchestration.views import build_missing

    with _holding(args.home, f"cablebill {args.command} {key}"):
        configure_environment(args.home, args.home)  # what dbt builds the views in
        home = CablebillHome(home=str(args.home.resolve()), inbox=str(args.home.resolve()))
        with contextlib.redirect_stdout(io.StringIO()):  # dbt's log of the build
            build_missing(home, SUPPORT_VIEWS)
        with home.read_warehouse() as con:
            yield con


def _account(args) -> int:
    from orchestration.support import overview, timeline

    with _support_views(args, args.account_id) as con:
        found, events = overview(con, args.account_id), timeline(con, args.account_id)
    if found is None:
        raise _Refused(f"no account {args.account_id}")
    for name, value in found.items():
        print(f"  {name + ':':<20}{'' if value is None else value}")
    label = f"label_{args.lang}"
    print()
    for event in events:
        amount = "" if event["amount"] is None else f"{event['amount']:,} {event['currency']}"
        ticket = f" [{event['ticket_id']}]" if event["ticket_id"] else ""
        print(f"  {event['event_date']}  {event[label]}{ticket}  {event['reference']}  {amount}")
    return 0


def _ticket(args) -> int:
    from orchestration.support import ticket_trail

    with _support_views(args, args.ticket_id) as con:
        trail = ticket_trail(con, args.ticket_id)
    if not trail:
        raise _Refused(f"no adjustment on ticket {args.ticket_id}")
    for row in trail:
        became = (
            f"{row['document_type']} {row['document_no']} line {row['line_no']} "
            f"({row['issue_date']}), journal {row['journal_id']}"
            if row["document_no"]
            else "not billed yet"
        )
        print(
            f"  {row['adjustment_id']} ({row['account_id']}, {row['approved_date']}): "
            f"{row['kind']} {row['amount']:,} {row['reason_code']} -> {became}"
        )
    return 0


def _collections_summary(result) -> int:
    print(f"\n{result.title} done")
    for name, count in result.recorded.items():
        print(f"  {name + ':':<21}{count:,}")
    print(f"  {'exports:':<21}{result.folder}")
    return 0


def _bill_run_summary(result) -> int:
    print(f"\n{result.title} done")
    print(f"  accounts billed:     {result.accounts_billed:,}")
    totals = ", ".join(f"{total:,} {currency}" for currency, total in result.invoice_totals.items())
    print(f"  invoice total:       {totals or 0} (current charges)")
    print(
        f"  rows quarantined:    {result.rows_quarantined:,} in this run's deliveries "
        f"({result.quarantine_total:,} in all, table ingest.quarantine)"
    )
    suspense = {k: v for k, v in result.in_suspense.items() if v}
    if suspense:
        held = ", ".join(f"{count:,} {entity}" for entity, count in sorted(suspense.items()))
        print(f"  held in suspense:    {held} (unknown accounts)")
    if result.deliveries_rejected:
        print(f"  deliveries rejected: {result.deliveries_rejected} (see the ingest log above)")
    if result.preview:
        print("  drafts only:         nothing closed, numbered or exported (marts.invoices)")
        return 0
    print(f"  exports:             {result.exports_dir}")
    print(f"  statements:          {result.statements_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
