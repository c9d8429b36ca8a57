"""Amounts in Chinese capitals (大寫金額, 新臺幣壹仟元整) and dates in the ROC calendar (115年11月24日)."""

from __future__ import annotations

from datetime import date

DIGITS = "零壹貳參肆伍陸柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "萬", "億", "兆")


def _four(n: int) -> str:
    """0 < n < 10000, with inner zeros as 零 (one 零 for a run, none at the end)."""
    out = []
    zero = False
    for pos in range(3, -1, -1):
        d = (n // 10**pos) % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + SMALL_UNITS[pos])
    return "".join(out)


def capitals(amount: int) -> str:
    """A whole NT$ amount in capitals: 1000 -> 壹仟, 123456 -> 壹拾貳萬參仟肆佰伍拾陸, 0 -> 零."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    if amount == 0:
        return DIGITS[0]
    groups = []
    n = amount
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(BIG_UNITS):
        raise ValueError("amount too large")
    out = []
    pending_zero = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or g < 1000):
            out.append("零")
        out.append(_four(g) + BIG_UNITS[i])
        pending_zero = False
    return "".join(out)


def amount_in_words(amount: int) -> str:
    """As the receipt prints it: 新臺幣壹仟元整."""
    return f"新臺幣{capitals(amount)}元整"


def roc_date(d: date) -> str:
    """115年11月24日 (the ROC year is the Gregorian year minus 1911)."""
    return f"{d.year - 1911}年{d.month}月{d.day}日"


def add_months(d: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, min(d.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable")
