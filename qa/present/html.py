"""Chat HTML for an Answer, built from its fields. Pure functions.

Every piece of user or article text passes through :func:`escape_chat` (the chat also
interprets markdown) or :func:`escape_html` (plain HTML views), so typed markup shows as the
characters typed. Chat messages are one HTML block with no blank line inside.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from index.types import Source
from qa.present.cite import choice, link_html, marker_html, source_label
from qa.present.lead import Lead, LeadItem, build_lead
from qa.present.markdown import join_names
from qa.present.messages import claim_extras, point_label, t

#: characters written as entities in chat text: HTML specials, markdown and LaTeX triggers
_CHAT_ENTITIES = {ord(ch): f"&#{ord(ch)};" for ch in "&<>\"'[]()*_`~$\\|#:"}
#: a claim value longer than this is an account: shown as markers only (the quote is below)
SHORT_VALUE = 60


def escape_html(text: str) -> str:
    """Escape text for an HTML element or attribute (no markdown involved)."""
    return html.escape(text, quote=True)


def escape_chat(text: str) -> str:
    """Escape text for a chat message: HTML, markdown and LaTeX shown literally; newlines
    become ``<br>`` so no blank line can end the surrounding HTML block."""
    return text.replace("\r\n", "\n").translate(_CHAT_ENTITIES).replace("\n", "<br>")


def user_message(question: str) -> str:
    """The user's question as a chat message, exactly as typed."""
    return f'<div class="ms-question">{escape_chat(question)}</div>'


def error_message(message: str, language: str = "en") -> str:
    """A failure shown in the chat instead of an answer."""
    return (
        f'<div class="ms-answer ms-refusal" role="alert"><p class="ms-badge ms-badge-refusal">'
        f"{escape_chat(t(language, 'error_title'))}</p><p>{escape_chat(message)}</p></div>"
    )


def _lead_item(item: LeadItem, cites: Mapping[int, object], language: str) -> str:
    marks = marker_html(item.numbers, cites, language)
    name = f'<span class="ms-outlet">{escape_chat(item.outlet)}</span>'
    if not item.words:
        return f"{name} {marks}"
    words = ", ".join(f"“{escape_chat(w)}”" for w in item.words)
    return f"{name}: <strong>{words}</strong> {marks}"


def lead_html(lead: Lead, cites: Mapping[int, object], language: str) -> str:
    """The lead sentence as a paragraph with linked markers."""
    items = [_lead_item(i, cites, language) for i in lead.items]
    if lead.kind in ("names", "closest"):
        text = t(language, lead.key, names="\x00")
        body = escape_chat(text).replace("\x00", join_names(items, language))
    else:
        body = escape_chat(t(language, lead.key, items="\x00")).replace("\x00", "; ".join(items))
    return f'<p class="ms-lead">{body}</p>'


def _extras(claim: object, language: str) -> str:
    shown = [escape_chat(b) for b in claim_extras(claim, language)]
    return f' <span class="ms-extra">({"; ".join(shown)})</span>' if shown else ""


def _claim_item(claim: object, cites: Mapping[int, object], language: str) -> str:
    marks = marker_html(claim.citations, cites, language)
    value = ""
    if len(claim.value) <= SHORT_VALUE:
        value = f' <strong class="ms-value">{escape_chat(claim.value)}</strong>'
    return (
        f'<li><span class="ms-outlet">{escape_chat(claim.outlet)}</span>{value}'
        f"{_extras(claim, language)} {marks}</li>"
    )


def disagreement_html(d: object, cites: Mapping[int, object], language: str) -> str:
    """A 'Sources disagree' box: each source and its value, one per line (wraps on a phone)."""
    label = point_label(d.point, d.label, language)
    accounts = any(len(c.value) > SHORT_VALUE for c in d.claims)
    note = (
        f'<p class="ms-note">{escape_chat(t(language, "differ_account"))}</p>' if accounts else ""
    )
    if extra := getattr(d, "note", ""):
        note += f'<p class="ms-note">{escape_chat(str(extra))}</p>'
    items = "".join(_claim_item(c, cites, language) for c in d.claims)
    return (
        f'<div class="ms-disagree" role="group"><p class="ms-badge ms-badge-disagree">'
        f"{escape_chat(t(language, 'disagree_badge', label=label))}</p>"
        f'<ul class="ms-claims">{items}</ul>{note}</div>'
    )


def _when(c: object, sources: Mapping[str, Source]) -> str:
    src = sources.get(c.doc_id)
    return getattr(c, "date", "") or (src.when if src else "")


def quote_item(
    c: object, cites: Mapping[int, object], sources: Mapping[str, Source], language: str
) -> str:
    """One numbered verbatim quote with outlet, date and a link into the article."""
    label = escape_chat(source_label(c.outlet, _when(c, sources), language))
    opener = link_html(c, escape_chat(t(language, "open_in_source")))
    return (
        f'<li class="ms-quote">{marker_html([c.n], cites, language)} '
        f'<span class="ms-q" lang="en">{escape_chat(c.quote)}</span> '
        f'<span class="ms-src">— {label}</span>'
        f" {opener}</li>"
    )


def quotes_html(answer: object, sources: Mapping[str, Source], language: str) -> str:
    """The list of verbatim quotes under an answer (titled 'closest' when not confident)."""
    if not answer.citations:
        return ""
    cites = {c.n: c for c in answer.citations}
    stated = getattr(answer, "confident", True) or getattr(answer, "likely", False)
    key = "quotes_title" if stated else "closest_title"
    items = "".join(quote_item(c, cites, sources, language) for c in answer.citations)
    return (
        f'<p class="ms-quotes-title">{escape_chat(t(language, key))}</p>'
        f'<ol class="ms-quotes">{items}</ol>'
    )


def _parts_html(answer: object, cites: Mapping[int, object], language: str) -> str:
    rows = []
    for part in getattr(answer, "parts", ()) or ():
        missing = getattr(part, "missing", "")
        tail = (
            f' <span class="ms-missing">{escape_chat(t(language, "part_missing", missing=missing))}'
            "</span>"
            if missing
            else ""
        )
        marks = marker_html(getattr(part, "citations", ()), cites, language)
        rows.append(f"<li>{escape_chat(part.text)} {marks}{tail}</li>")
    return f'<ul class="ms-parts">{"".join(rows)}</ul>' if rows else ""


def details_html(answer: object, language: str) -> str:
    """Maintainer details behind a toggle: confidence, basis, timings (never in the main text)."""
    bits = []
    if (conf := getattr(answer, "confidence", None)) is not None:
        bits.append(t(language, "details_confidence", value=f"{float(conf):.2f}"))
    if basis := getattr(answer, "basis", ""):
        bits.append(t(language, "details_basis", value=basis))
    if total := (getattr(answer, "timings_ms", {}) or {}).get("total"):
        bits.append(t(language, "details_timings", value=f"{float(total):.0f}"))
    if not bits:
        return ""
    return (
        f'<details class="ms-details"><summary>{escape_chat(t(language, "details"))}</summary>'
        f"{escape_chat(' · '.join(bits))}</details>"
    )


def refusal_html(answer: object) -> str:
    """A refusal or unusable question: its own badge and the reason in plain words."""
    language = getattr(answer, "language", "en")
    invalid = getattr(answer, "status", "refused") == "invalid"
    badge = t(language, "invalid_badge" if invalid else "refused_badge")
    message = (getattr(answer, "message", "") or "").strip()
    body = f"<p>{escape_chat(message or t(language, 'refused_text'))}</p>"
    if not invalid:
        body = f"<p>{escape_chat(t(language, 'refused_text'))}</p>"
        if message:
            body += f'<p class="ms-why">{escape_chat(message)}</p>'
    return (
        f'<div class="ms-answer ms-refusal" lang="{language}">'
        f'<p class="ms-badge ms-badge-refusal">{escape_chat(badge)}</p>{body}'
        f"{details_html(answer, language)}</div>"
    )


def answer_html(answer: object, sources: Mapping[str, Source] | None = None) -> str:
    """An Answer as one chat message: lead, parts, disagreements, quotes, details."""
    if getattr(answer, "refused", False):
        return refusal_html(answer)
    sources = sources or {}
    language = getattr(answer, "language", "en")
    cites = {c.n: c for c in answer.citations}
    out = [f'<div class="ms-answer" lang="{language}">']
    resolved = (getattr(answer, "resolved_question", "") or "").strip()
    if resolved and resolved != answer.question.strip():
        out.append(
            f'<p class="ms-resolved">{escape_chat(t(language, "answering", question=resolved))}</p>'
        )
    out.append(lead_html(build_lead(answer), cites, language))
    out.append(_parts_html(answer, cites, language))
    if note := t(language, "quotes_language_note"):
        out.append(f'<p class="ms-note">{escape_chat(note)}</p>')
    out += [disagreement_html(d, cites, language) for d in answer.disagreements]
    out += [quotes_html(answer, sources, language), details_html(answer, language), "</div>"]
    return "".join(out)


def citation_choices(citations: Sequence[object]) -> list[tuple[str, str]]:
    """(label, 'doc:start:end') for a dropdown of an answer's citations."""
    return [choice(c) for c in citations]
