"""The refusal decision, made before anything is composed. Pure functions."""

from __future__ import annotations

import re

from qa.points import FIGURE, MONTH, QUANTITY_REQUEST

_QUANTITY = re.compile("|".join(QUANTITY_REQUEST), re.IGNORECASE)
_YEAR = re.compile(r"(19|20)\d\d")
_DAYS = r"\d{1,2}(?:\s*[–-]\s*\d{1,2})?"
_DATE = re.compile(rf"{MONTH}\s+{_DAYS}|{_DAYS}\s+{MONTH}", re.IGNORECASE)


def asks_for_quantity(question: str) -> bool:
    """True for "how many …", "how much …", "сколько …" and the like."""
    return bool(_QUANTITY.search(question))


def states_a_number(text: str) -> bool:
    """True when the text gives a count or amount (a date or a year alone does not count)."""
    text = _DATE.sub(" ", text)
    return any(not _YEAR.fullmatch(m.group("num")) for m in FIGURE.finditer(text))


def refusal_reason(
    best: float,
    threshold: float,
    unknown: list[str],
    asks_quantity: bool = False,
    quotes: list[str] | None = None,
) -> str:
    """Why the articles cannot answer, or "" when they can.

    In order: a name in the question that the articles never mention; no passage close enough
    (best evidence score under the calibrated threshold); a request for a number that none of
    the chosen quotes gives.
    """
    if unknown:
        return "The articles never mention " + ", ".join(f"“{m}”" for m in unknown) + "."
    if best < threshold:
        return f"No passage is close enough to the question (best {best:.2f} < {threshold:.2f})."
    if asks_quantity and quotes is not None and not any(states_a_number(q) for q in quotes):
        return "The question asks for a number, and none of the closest passages gives one."
    return ""
