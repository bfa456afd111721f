"""Exact parsing of user counts, revenue and dates.

Thresholds in licenses run to billions and must compare exactly at any magnitude, so numbers are
parsed into Python ints (never floats) and reach clingo as two base-10^9 limbs.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from . import patterns   # re.compile from precompiled code (patterns.py)

_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9, "t": 10**12}
# Digits with `_` between them (1_000_000) or commas between groups of three (1,000,000), an
# optional fraction and exponent, and an optional K/M/B/T suffix. A comma anywhere else (a
# European decimal comma, `1,5B`) is rejected rather than silently dropped.
_NUMBER = patterns.compile(
    r"^\$?\s*((?:\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)(?:\.\d+)?(?:[eE]\+?\d+)?)\s*([kKmMbBgGtT]?)$")
_DATE = patterns.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
LIMB = 10**9
MAX_NUMBER = 10**18 - 1  # two limbs of 10^9 stay inside clingo's 32-bit integers
MAX_DIGITS = 18


class WrittenFloat(float):
    """A JSON number with a fraction or an exponent, as the float json reads, keeping the text it
    was written as (`written`): a double holds ~16 digits, so `700000000.00000001` read as a
    float is 700,000,000 exactly, a count under Llama's threshold, although the number written
    is above it and no whole number (review 25). json.loads(parse_float=WrittenFloat.parse)."""

    @classmethod
    def parse(cls, text: str) -> "WrittenFloat":
        value = cls(text)
        value.written = text
        return value


def parse_count(text: str | int, what: str = "number") -> int:
    """Parse `700M`, `2.5B`, `1_000_000`, `1,000,000`, `$1M`, `1e9` or an int into an exact
    non-negative int.

    >>> parse_count("2.5B")
    2500000000
    >>> parse_count("7OOM")
    Traceback (most recent call last):
    ValueError: `7OOM` is not a valid number (use digits with an optional K, M, B or T suffix, like 700M)
    """
    too_large = f"{what} is larger than can-i compares (at most 10^18 - 1)"
    if isinstance(text, bool):
        raise ValueError(f"{what} must be a number, not {str(text).lower()}")
    if isinstance(text, int):
        value = text
    elif isinstance(text, float):
        written = getattr(text, "written", None)
        # the number as written, where the float lost digits of it (WrittenFloat)
        try:
            exact = Decimal(written) if written is not None and text == text and abs(text) != float("inf") else None
        except InvalidOperation:   # a spelling Decimal does not read: judged by the float, as before
            exact = None
        if not text.is_integer() or exact is not None and exact != exact.to_integral_value():
            raise ValueError(f"{what} must be a whole number, not {written or text}")
        if abs(text) > MAX_NUMBER:
            raise ValueError(too_large)
        value = int(text)
    elif isinstance(text, str):
        shown = text if len(text) <= 40 else text[:40] + "…"
        match = _NUMBER.match(text.strip())
        if not match:
            raise ValueError(
                f"`{shown}` is not a valid number (use digits with an optional K, M, B or T suffix, like 700M)"
            )
        whole, dot, fraction = match.group(1).partition(".")
        if dot and len(fraction) == 3 and 1 <= len(whole) <= 3 and whole.isdigit() and fraction.isdigit():
            # `800.000` is 800 here and 800,000 in much of Europe (a dot between groups of three);
            # `1.500M` 1.5M or 1.5B. Read either way, one reading would put a count under a
            # threshold it passes (Llama's 700M): refused, as a European decimal comma is (review 23).
            raise ValueError(f"`{shown}` is ambiguous: a dot before three digits may separate thousands; "
                             f"write it without the dot (like {whole}{fraction} or {whole}), or with another "
                             f"number of decimals")
        try:
            exact = Decimal(match.group(1).replace("_", "").replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"`{shown}` is not a valid number") from None
        scale = _SUFFIX[match.group(2).lower()]
        # Judge the size from the exponent before computing anything: `1e999999` must not build a
        # million-digit number.
        if exact and exact.adjusted() + len(str(scale)) - 1 > MAX_DIGITS:
            raise ValueError(too_large)
        exact *= scale
        if exact != exact.to_integral_value():
            raise ValueError(f"`{shown}` is not a whole number")
        value = int(exact)
    else:
        raise ValueError(f"{what} must be a number")
    if value < 0:
        raise ValueError(f"{what} cannot be negative")
    if value > MAX_NUMBER:
        raise ValueError(too_large)
    return value


def parse_date(text: str, what: str = "date") -> int:
    """Parse an ISO date into the integer YYYYMMDD, which orders like the dates.

    >>> parse_date("2024-04-18")
    20240418
    """
    import datetime   # here, not at the top: most questions state no date (start-up time)

    try:
        # YYYY-MM-DD only, as every message says: Python's ISO reader also takes `20250601`,
        # `2025-W23-1` and `2025-153` (review 23).
        if not _DATE.match(str(text)):
            raise ValueError
        day = datetime.date.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"`{text}` is not a date (use YYYY-MM-DD)") from None
    return day.year * 10000 + day.month * 100 + day.day


def limbs(value: int) -> tuple[int, int]:
    """Split a number into (high, low) base-10^9 limbs; clingo orders such pairs like the numbers."""
    return divmod(value, LIMB)


def format_count(value: int) -> str:
    """700000000 -> '700,000,000'."""
    return f"{value:,}"
