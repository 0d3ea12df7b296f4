"""Row validation as SQL generated from the contract.

`checked_sql` turns a table of text columns into typed columns plus
`_reason`/`_detail`: the first problem found in the row, or NULL for a good row.
Reason codes are stable and documented in docs/feeds.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import list_currencies

from connectors.contract import (
    BOOL,
    DATE,
    DIGITS,
    ENUM,
    ID,
    INT,
    JSON,
    MONEY,
    TEXT,
    TIMESTAMP,
    Column,
    Entity,
)

MONEY_SQL_TYPE = "decimal(18, 2)"
ISO_CURRENCIES = tuple(sorted(list_currencies()))

_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
_TS_RE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$"
_INT_RE = r"^-?\d{1,18}$"
_MONEY_RE = r"^-?\d{1,16}(\.\d{1,2})?$"
_DIGITS_RE = r"^\d+$"

SQL_TYPES = {
    INT: "bigint",
    MONEY: MONEY_SQL_TYPE,
    DATE: "date",
    TIMESTAMP: "timestamptz",
    BOOL: "boolean",
}


def sql_type(column: Column) -> str:
    return SQL_TYPES.get(column.type, "varchar")


# The struct column that carries the columns of a file the contract does not know.
EXTRA = "_extra"
# The longest a field may be (a setting, max_text_length), and the characters no
# field may hold: control characters, but for tab (C0, DEL and C1).
MAX_TEXT_LENGTH = 4000


@dataclass(frozen=True)
class Rules:
    """What an operator sets of the row checks: the longest a field may be, and the
    currencies the platform bills in (None: any ISO 4217 currency)."""

    max_text_length: int = MAX_TEXT_LENGTH
    currencies: frozenset[str] | None = None


DEFAULT_RULES = Rules()

CONTROL_CHARACTERS = r"[\x00-\x08\x0a-\x1f\x7f-\x9f]"
FREE_TEXT_TYPES = frozenset({TEXT, ID, JSON})


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _raw(column: Column) -> str:
    """The column's text, with the contract default filled in."""
    expr = f"nullif({q(column.name)}, '')"
    return f"coalesce({expr}, {lit(column.default)})" if column.default is not None else expr


def _typed(column: Column) -> str:
    raw = _raw(column)
    if column.type == INT:
        return f"case when regexp_full_match({raw}, '{_INT_RE}') then cast({raw} as bigint) end"
    if column.type == MONEY:
        return (
            f"case when regexp_full_match({raw}, '{_MONEY_RE}') "
            f"then cast({raw} as {MONEY_SQL_TYPE}) end"
        )
    if column.type == DATE:
        return f"case when regexp_full_match({raw}, '{_DATE_RE}') then try_cast({raw} as date) end"
    if column.type == TIMESTAMP:
        return (
            f"case when regexp_full_match({raw}, '{_TS_RE}') "
            f"then try_cast({raw} as timestamptz) end"
        )
    if column.type == BOOL:
        return (
            f"case lower({raw}) when 'true' then true when '1' then true "
            f"when 'false' then false when '0' then false end"
        )
    if column.type == JSON:
        return f"case when json_valid({raw}) then {raw} end"
    if column.type == DIGITS:
        return f"case when regexp_full_match({raw}, '{_DIGITS_RE}') then {raw} end"
    if column.type == ENUM:
        allowed = ", ".join(lit(v) for v in column.values)
        return f"case when {raw} in ({allowed}) then {raw} end"
    return raw


_BAD = {
    INT: "bad_integer",
    MONEY: "bad_amount",
    DATE: "bad_date",
    TIMESTAMP: "bad_timestamp",
    BOOL: "bad_boolean",
    JSON: "bad_json",
    DIGITS: "bad_digits",
    ENUM: "bad_enum",
}
_WHAT = {
    INT: "an integer",
    MONEY: "a decimal amount (at most 2 decimals)",
    DATE: "a YYYY-MM-DD date",
    TIMESTAMP: "an ISO 8601 timestamp",
    BOOL: "true or false",
    JSON: "valid JSON",
    DIGITS: "digits only",
}


def _column_checks(column: Column, rules: Rules) -> list[tuple[str, str, str]]:
    """(condition, reason_code, detail expression) triples for one column, in order.
    A field's size and characters come first: no detail repeats a field too long or
    with control characters in it."""
    name, raw, typed = column.name, _raw(column), _t(column.name)
    checks = [
        (
            f"length({q(name)}) > {int(rules.max_text_length)}",
            "text_too_long",
            f"{lit(name + ': ')} || format('{{:,}}', length({q(name)})) "
            f"|| {lit(f' characters, over {rules.max_text_length:,}')}",
        )
    ]
    if column.type in FREE_TEXT_TYPES:  # other types refuse a control character as a bad value
        checks.append(
            (
                f"regexp_matches({q(name)}, '{CONTROL_CHARACTERS}')",
                "control_character",
                lit(f"{name}: holds a control character (only tab is allowed)"),
            )
        )
    if column.type == MONEY and not column.signed:
        checks.append(
            (
                f"({typed}) < 0",
                "negative_amount",
                f"{lit(name + ': ')} || {raw} "
                f"|| {lit(' is negative (the direction is given by kind or status)')}",
            )
        )
    if column.required:
        checks.append((f"{raw} is null", "missing_value", lit(f"{name} is required")))
    if column.type in _BAD:
        what = _WHAT.get(column.type) or "one of " + "/".join(column.values)
        checks.append(
            (
                f"{raw} is not null and ({typed}) is null",
                _BAD[column.type],
                f"{lit(name + ': ')} || {raw} || {lit(' is not ' + what)}",
            )
        )
    if column.min_value is not None:
        checks.append(
            (
                f"({typed}) < {column.min_value}",
                "out_of_range",
                f"{lit(name + ': ')} || {raw} || {lit(f' is below {column.min_value}')}",
            )
        )
    if column.max_value is not None:
        checks.append(
            (
                f"({typed}) > {column.max_value}",
                "out_of_range",
                f"{lit(name + ': ')} || {raw} || {lit(f' is above {column.max_value}')}",
            )
        )
    if column.values and column.type != ENUM:
        allowed = ", ".join(lit(v) for v in column.values)
        what = lit(" is not one of " + "/".join(column.values))
        checks.append(
            (
                f"{raw} not in ({allowed})",
                "bad_enum",
                f"{lit(name + ': ')} || {raw} || {what}",
            )
        )
    return checks


def _after(end: str, start: str, strict: bool) -> tuple[str, str, str]:
    op = "<=" if strict else "<"
    return (
        f"{_t(end)} {op} {_t(start)}",
        "bad_date_range",
        lit(f"{end} must be {'after' if strict else 'on or after'} {start}"),
    )


def _t(name: str) -> str:
    return f"t_{name}"


_ENTITY_CHECKS = {
    "date_range": lambda e, rules: {
        "subscriptions": [_after("end_date", "start_date", strict=False)],
        "suspensions": [_after("to_date", "from_date", strict=True)],
        "devices": [_after("returned_at", "rented_from", strict=False)],
    }[e.name],
    "valid_range": lambda e, rules: [_after("valid_to", "valid_from", strict=True)],
    "usage_range": lambda e, rules: [_after("usage_end", "usage_start", strict=False)],
    "outage_range": lambda e, rules: [_after("ended_at", "started_at", strict=True)],
    "outage_target": lambda e, rules: [
        (
            "(nullif(region_code, '') is null) = (nullif(account_id, '') is null)",
            "bad_outage_target",
            lit("exactly one of region_code and account_id is required"),
        )
    ],
    "business_account": lambda e, rules: [
        (
            "t_customer_type = 'business' and t_business_reg_no is null",
            "missing_value",
            lit("business_reg_no is required for a business account"),
        )
    ],
    "card_last4": lambda e, rules: [
        ("length(t_card_last4) <> 4", "bad_digits", lit("card_last4 must be 4 digits"))
    ],
    "currency": lambda e, rules: [
        (
            f"t_currency not in ({', '.join(lit(c) for c in ISO_CURRENCIES)})",
            "unknown_currency",
            "'currency: ' || t_currency || ' is not an ISO 4217 code'",
        ),
        *(
            [
                (
                    f"t_currency not in ({', '.join(lit(c) for c in sorted(rules.currencies))})",
                    "unsupported_currency",
                    "'currency: ' || t_currency || ' is not a currency this platform bills in "
                    f"({', '.join(sorted(rules.currencies))})'",
                )
            ]
            if rules.currencies is not None
            else []
        ),
    ],
}


def checked_sql(
    entity: Entity, source: str, present: list[str], rules: Rules = DEFAULT_RULES
) -> str:
    """SQL over `source` (the contract's text columns `present`, the struct `_extra`
    of unknown columns when present, `_row_number`) that types and checks each row.

    Columns of the contract that the file does not carry (optional ones) are NULL.
    """
    present_set = set(present)
    padded = ", ".join(
        q(c.name) if c.name in present_set else f"cast(null as varchar) as {q(c.name)}"
        for c in entity.columns
    )
    typed = ", ".join(f"{_typed(c)} as {_t(c.name)}" for c in entity.columns)
    checks = [chk for c in entity.columns for chk in _column_checks(c, rules)]
    checks += [chk for name in entity.checks for chk in _ENTITY_CHECKS[name](entity, rules)]
    reason = " ".join(f"when {cond} then {lit(code)}" for cond, code, _ in checks)
    detail = " ".join(f"when {cond} then {det}" for cond, _, det in checks)
    extra = f"to_json({EXTRA})" if EXTRA in present_set else "cast(null as varchar)"
    return f"""
        with padded as (
            select _row_number, {padded}, {extra} as _extra from {source}
        ), typed as (
            select *, {typed} from padded
        )
        select *, case {reason} end as _reason, case {detail} end as _detail from typed
    """
