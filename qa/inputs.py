"""Check and normalise a question before anything else sees it. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][\w-]*)[^<>]*>")
_SCRIPT_BLOCK = re.compile(r"<\s*(script|style)\b.*?(<\s*/\s*\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Checked:
    """A question after checking: ``text`` to answer, or ``problem`` to tell the user."""

    text: str  #: the normalised question (markup and control characters removed)
    problem: str = ""  #: non-empty when the question cannot be answered as given


def check_question(question: object, max_chars: int = 1000) -> Checked:
    """Reject empty, over-long or wordless input; strip markup, scripts and control characters."""
    if not isinstance(question, str):
        return Checked("", "The question must be text.")
    if len(question) > max_chars:
        return Checked(
            "", f"The question is {len(question):,} characters long; please keep it under "
            f"{max_chars:,} characters and ask one thing at a time."
        )
    text = unicodedata.normalize("NFC", question)
    had_markup = bool(_TAG.search(text))
    text = _SCRIPT_BLOCK.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    if not text and had_markup:
        return Checked("", "The question held only markup or code, which is ignored; "
                           "please ask in plain words.")
    if not text:
        return Checked("", "Please type a question about the Masanchi clashes.")
    if not _WORD.search(text):
        return Checked("", "The question has no words in it; please ask in English or Russian.")
    return Checked(text)
