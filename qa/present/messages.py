"""Every user-facing string, keyed by language ("en", "ru"). Pure data and one lookup.

A Russian question gets the lead, refusal wording, disagreement summary and labels in Russian,
with a note that the quotes stay in English (the articles are in English).
"""

from __future__ import annotations

from collections.abc import Mapping

from qa.types import CANNOT_ANSWER

DEFAULT_LANGUAGE = "en"

EN: dict[str, str] = {
    # page
    "title": "Masanchi Sources",
    "intro": (
        "Ask about the clashes in **Masanchi and the Korday district of Kazakhstan on 7–8 "
        "February 2020**. Answers are made of word-for-word quotes from five news articles, "
        "each with its outlet. Where the articles disagree you see every figure side by side; "
        "where they say nothing, you are told so."
    ),
    "status_wait": "Preparing the search index ({seconds} s; a first start takes about 20 s). "
    "You can already read the articles.",
    "status_error": "The search index could not be prepared ({error}). The articles can "
    "still be read, but questions cannot be answered.",
    "status_ready": "Ready. Ask a question, or try an example.",
    "tab_ask": "Ask",
    "tab_compare": "Compare",
    "tab_about": "About",
    "chat_label": "Answers with their sources",
    "chat_placeholder": "Ask a question below, or click one of the examples.",
    "question_label": "Your question",
    "question_placeholder": "e.g. How many people were killed?",
    "ask": "Ask",
    "try": "Try one of these:",
    "read_articles": "Read the articles",
    "searching": "Searching the five articles…",
    "searching_body": "Looking for passages that answer this.",
    "preparing": "Preparing the search index (first start)…",
    "preparing_body": "Your question will be answered as soon as it is ready.",
    "error_title": "Something went wrong",
    # conversation, suggestions, marks
    "alone": "Ask “{question}” on its own",
    "suggest_title": "Suggested questions",
    "mark_title": "Mark an answer for the maintainers",
    "mark_answer": "Answer",
    "mark_quote": "Which part",
    "mark_whole": "The whole answer",
    "mark_kind": "Your mark",
    "mark_good": "Good",
    "mark_wrong_quote": "Wrong quote",
    "mark_missing": "Missing something",
    "mark_should_refuse": "Should have refused",
    "mark_comment": "Comment (optional, up to 1000 characters)",
    "mark_send": "Send mark",
    "mark_thanks": "Thank you: “{mark}” recorded on {what} of “{question}”.",
    "mark_thanks_comment": "Your comment: {comment}",
    "mark_no_answer": "Ask a question first: marks are about an answer.",
    "mark_no_kind": "Choose a mark first.",
    "mark_failed": "The mark could not be stored ({error}).",
    "mark_quote_n": "quote [{n}]",
    "mark_answer_n": "{n}. {question}",
    # answer
    "answering": "Answering: {question}",
    "lead_one": "{items}.",
    "lead_differ": "The sources give different answers. {items}.",
    "lead_likely_one": "Most likely (check the quotes): {items}.",
    "lead_likely_differ": "The sources give different answers (check the quotes). {items}.",
    "lead_names": "Passages from {names} answer this; read them below.",
    "lead_closest": "No passage clearly answers this. The closest passages come from {names}.",
    "and": "and",
    "quotes_title": "Quoted from the articles",
    "closest_title": "Closest passages (they may not answer the question)",
    "open_in_source": "open in article",
    "cite_pick": "Open a quoted passage in its article",
    "disagree_badge": "Sources disagree: {label}",
    "differ_account": "Each source gives its own account; compare the quotes.",
    "part_missing": "Not found in the articles: {missing}",
    "refused_badge": "Not in the five articles",
    "invalid_badge": "I can't use this question",
    "refused_text": CANNOT_ANSWER,
    "quotes_language_note": "",
    "details": "Details (for maintainers)",
    "details_confidence": "confidence {value}",
    "details_basis": "basis: {value}",
    "details_timings": "time {value} ms",
    "says": "says",
    "according_to": "according to {who}",
    "as_of": "as of {when}",
    "counts": "counts {what}",
    "note": "note: {text}",
    # viewer
    "panel_title": "Source",
    "close_panel": "Close",
    "article_pick": "Article",
    "show_furniture": "Show page furniture (ads, captions, subscribe boxes)",
    "furniture_note": "Greyed text is page furniture: never quoted as evidence.",
    "viewer_highlight": "{count} highlighted passage(s).",
    "viewer_file": "The article file as stored: {path}.",
    "meta_outlet": "Outlet",
    "meta_title": "Title",
    "meta_author": "Author",
    "meta_date": "Date",
    "meta_address": "Address",
    "date_unknown": "not stated in the article",
    # compare
    "compare_intro": (
        "Where the five articles disagree: each point with what every source says and the "
        "exact sentence it comes from. Click a quote to read it in its article."
    ),
    "compare_wait": "The comparison appears when the search index is ready.",
    "point": "Point",
    "silent": "does not say",
    "differ": "sources differ",
    "agree": "sources agree",
    "present": "Present (one point at a time)",
    "present_hint": "Arrow keys: next / previous point. Esc: leave.",
    "handout_pick": "Points on the handout",
    "handout_download": "Download the handout (HTML, printable)",
    "handout_title": "Masanchi, 7–8 February 2020: where the sources disagree",
    "handout_sources": "The articles",
    "handout_intro": (
        "Five news articles report the same events. Below, for each point, every article's "
        "figure or account is quoted word for word. Compare them: who says what, and why might "
        "they differ?"
    ),
    "handout_values": "Values given: {values}.",
    "handout_same": "All sources that speak to it give the same value: {values}.",
    "handout_accounts": "{count} sources give their own accounts.",
    "handout_footer": "Quotes are verbatim from the article files; nothing is paraphrased.",
    "handout_print": "Print",
    # about
    "about": (
        "## What this is\n\n"
        "A question-answering tool over **five English-language news articles** about the "
        "violence in Masanchi and neighbouring villages of the Korday district, Zhambyl "
        "region, Kazakhstan, on 7–8 February 2020.\n\n"
        "## What it does\n\n"
        "- Answers **only from these five articles**. Nothing else is searched.\n"
        "- Every answer is made of **exact quotes**, each naming its outlet. Click a "
        "citation number to read the passage highlighted in the full article.\n"
        "- When the articles **disagree** (how many died, how many were hurt, what started "
        "it), you see every source's figure side by side. It never picks one or averages.\n"
        "- When the articles **do not say**, it tells you so instead of guessing.\n\n"
        "## What it does not do\n\n"
        "- **No AI writes the answers.** Passages are found by search and quoted as they "
        "are; the short opening sentence only repeats the sources' own words.\n"
        "- It does not decide which source is right, and knows nothing that happened after "
        "the articles were written.\n\n"
        "## For teachers\n\n"
        "The **Compare** tab shows every point the articles disagree on. "
        "*Present* shows one point at a time in large type for a projector (arrow keys to "
        "move). Pick points and download a printable handout that names each article and "
        "quotes it word for word.\n\n"
        "## A conversation\n\n"
        "A follow-up such as *And injured?* is read with the questions before it; the answer "
        "then starts with *Answering: …* and the full question it answered, and one click asks "
        "it on its own instead. Suggested questions come from the articles themselves.\n\n"
        "## Your marks\n\n"
        "You can mark an answer or one of its quotes (good, wrong quote, missing something, "
        "should have refused) with an optional comment, so the maintainers can fix mistakes. "
        "**What is stored**, in a database on this server: the question as asked, the full "
        "question answered, the quotes shown (article, position and text), your mark and "
        "comment, the time, and a fingerprint of the search index that answered. **Nothing "
        "that identifies you** is stored: no name, address, IP address, cookie, session or "
        "browser details. Please do not write personal details in a comment."
    ),
}

RU: dict[str, str] = {
    "title": "Masanchi Sources",
    "intro": (
        "Спросите о столкновениях в **Масанчи и Кордайском районе Казахстана 7–8 февраля "
        "2020 года**. Ответы состоят из дословных цитат из пяти новостных статей с указанием "
        "издания. Где статьи расходятся, вы увидите все цифры рядом; где они молчат, вам "
        "так и скажут."
    ),
    "status_wait": "Готовится поисковый индекс ({seconds} с; первый запуск занимает около "
    "20 с). Статьи уже можно читать.",
    "status_error": "Не удалось подготовить поисковый индекс ({error}). Статьи можно читать, "
    "но на вопросы ответить нельзя.",
    "status_ready": "Готово. Задайте вопрос или выберите пример.",
    "tab_ask": "Вопрос",
    "tab_compare": "Сравнить",
    "tab_about": "О проекте",
    "chat_label": "Ответы с источниками",
    "chat_placeholder": "Задайте вопрос ниже или выберите пример.",
    "question_label": "Ваш вопрос",
    "question_placeholder": "например: Сколько человек погибло?",
    "ask": "Спросить",
    "try": "Попробуйте:",
    "read_articles": "Читать статьи",
    "searching": "Ищу в пяти статьях…",
    "searching_body": "Подбираю отрывки, которые отвечают на вопрос.",
    "preparing": "Готовится поисковый индекс (первый запуск)…",
    "preparing_body": "Ответ появится, как только индекс будет готов.",
    "error_title": "Что-то пошло не так",
    "alone": "Задать «{question}» как отдельный вопрос",
    "suggest_title": "Можно спросить",
    "mark_title": "Отметить ответ для разработчиков",
    "mark_answer": "Ответ",
    "mark_quote": "Что отмечаете",
    "mark_whole": "Весь ответ",
    "mark_kind": "Ваша отметка",
    "mark_good": "Хорошо",
    "mark_wrong_quote": "Неверная цитата",
    "mark_missing": "Чего-то не хватает",
    "mark_should_refuse": "Надо было отказать",
    "mark_comment": "Комментарий (по желанию, до 1000 знаков)",
    "mark_send": "Отправить отметку",
    "mark_thanks": "Спасибо: отметка «{mark}» записана для {what} ответа на «{question}».",
    "mark_thanks_comment": "Ваш комментарий: {comment}",
    "mark_no_answer": "Сначала задайте вопрос: отметка относится к ответу.",
    "mark_no_kind": "Сначала выберите отметку.",
    "mark_failed": "Не удалось сохранить отметку ({error}).",
    "mark_quote_n": "цитаты [{n}]",
    "mark_answer_n": "{n}. {question}",
    "answering": "Отвечаю на вопрос: {question}",
    "lead_one": "{items}.",
    "lead_differ": "Источники отвечают по-разному. {items}.",
    "lead_likely_one": "Скорее всего (проверьте цитаты): {items}.",
    "lead_likely_differ": "Источники отвечают по-разному (проверьте цитаты). {items}.",
    "lead_names": "Ответ есть в отрывках из {names}; они приведены ниже.",
    "lead_closest": "Ни один отрывок не отвечает прямо. Ближайшие отрывки: {names}.",
    "and": "и",
    "quotes_title": "Цитаты из статей",
    "closest_title": "Ближайшие отрывки (могут не отвечать на вопрос)",
    "open_in_source": "открыть в статье",
    "cite_pick": "Открыть цитату в статье",
    "disagree_badge": "Источники расходятся: {label}",
    "differ_account": "Каждый источник излагает события по-своему; сравните цитаты.",
    "part_missing": "В статьях не найдено: {missing}",
    "refused_badge": "В пяти статьях этого нет",
    "invalid_badge": "Не могу обработать этот вопрос",
    "refused_text": "В пяти статьях об этом не говорится, поэтому я не буду гадать.",
    "quotes_language_note": "Цитаты приведены на английском, на языке статей.",
    "details": "Подробности (для разработчиков)",
    "details_confidence": "уверенность {value}",
    "details_basis": "основание: {value}",
    "details_timings": "время {value} мс",
    "says": "сообщает",
    "according_to": "по словам: {who}",
    "as_of": "на {when}",
    "counts": "считает: {what}",
    "note": "примечание: {text}",
    "panel_title": "Источник",
    "close_panel": "Закрыть",
    "article_pick": "Статья",
    "show_furniture": "Показать служебный текст (реклама, подписи, подписка)",
    "furniture_note": "Серым показан служебный текст страницы: он никогда не цитируется.",
    "viewer_highlight": "Выделено отрывков: {count}.",
    "viewer_file": "Файл статьи в исходном виде: {path}.",
    "meta_outlet": "Издание",
    "meta_title": "Заголовок",
    "meta_author": "Автор",
    "meta_date": "Дата",
    "meta_address": "Адрес",
    "date_unknown": "в статье не указана",
    "compare_intro": (
        "Где пять статей расходятся: по каждому пункту, что говорит каждый источник, и "
        "точное предложение. Нажмите на цитату, чтобы прочесть её в статье."
    ),
    "compare_wait": "Сравнение появится, когда индекс будет готов.",
    "point": "Пункт",
    "silent": "не сообщает",
    "differ": "источники расходятся",
    "agree": "источники согласны",
    "present": "Показ (по одному пункту)",
    "present_hint": "Стрелки: следующий / предыдущий пункт. Esc: выход.",
    "handout_pick": "Пункты для раздаточного материала",
    "handout_download": "Скачать раздаточный материал (HTML, для печати)",
    "handout_title": "Масанчи, 7–8 февраля 2020: где источники расходятся",
    "handout_sources": "Статьи",
    "handout_intro": (
        "Пять новостных статей сообщают об одних и тех же событиях. Ниже по каждому пункту "
        "дословно приведены цифры или версии каждой статьи. Сравните их."
    ),
    "handout_values": "Приводимые значения: {values}.",
    "handout_same": "Все источники, которые об этом пишут, дают одно значение: {values}.",
    "handout_accounts": "Источников со своей версией: {count}.",
    "handout_footer": "Цитаты дословные, из файлов статей; ничего не пересказано.",
    "handout_print": "Печать",
    "about": (
        "## Что это\n\n"
        "Инструмент вопросов и ответов по **пяти англоязычным новостным статьям** о насилии "
        "в Масанчи и соседних сёлах Кордайского района Жамбылской области Казахстана 7–8 "
        "февраля 2020 года.\n\n"
        "## Что он делает\n\n"
        "- Отвечает **только по этим пяти статьям**.\n"
        "- Каждый ответ состоит из **точных цитат** с названием издания (на английском).\n"
        "- Где статьи **расходятся**, показывает цифры всех источников рядом.\n"
        "- Где статьи **молчат**, так и говорит, а не гадает.\n\n"
        "## Чего он не делает\n\n"
        "- **Ответы не пишет ИИ.** Отрывки находятся поиском и цитируются как есть.\n"
        "- Он не решает, какой источник прав.\n\n"
        "## Разговор\n\n"
        "Уточняющий вопрос вроде *А раненых?* читается вместе с предыдущими; ответ начинается "
        "с *Отвечаю на вопрос: …*, и одним нажатием его можно задать как отдельный вопрос.\n\n"
        "## Ваши отметки\n\n"
        "Ответ или цитату можно отметить (хорошо, неверная цитата, чего-то не хватает, надо "
        "было отказать) и добавить комментарий. **Что сохраняется** в базе на этом сервере: "
        "вопрос, полный вопрос, на который дан ответ, показанные цитаты, отметка и "
        "комментарий, время и отпечаток поискового индекса. **Ничего, что вас "
        "идентифицирует**, не сохраняется: ни имени, ни IP-адреса, ни cookie, ни данных "
        "браузера."
    ),
}

#: Russian labels of the contested points in qa/points.toml (English labels come from there)
RU_POINTS: dict[str, str] = {
    "deaths": "Погибшие",
    "injured": "Раненые",
    "detained": "Задержанные или арестованные",
    "houses": "Повреждённые дома и здания",
    "shops": "Повреждённые магазины и торговые объекты",
    "vehicles": "Повреждённые автомобили",
    "refugees": "Бежавшие в Кыргызстан",
    "distance": "Расстояние от Сортобе до Масанчи",
    "start_date": "Когда всё началось",
    "trigger": "С чего всё началось",
    "ethnic": "Был ли это этнический конфликт?",
}
RU_POINTS.update(
    {  # the ids of the points discovered by the catalogue (qa.engine)
        "people_killed": "Погибшие",
        "people_detained": "Задержанные",
        "private_houses_damaged": "Повреждённые жилые дома",
        "retail_outlets_damaged": "Повреждённые торговые объекты",
        "vehicles_damaged": "Повреждённые автомобили",
        "distance_masanchi_sortobe_km": "Расстояние Масанчи–Сортобе (км)",
        "inhabitants": "Число жителей",
        "citizens_crossed_border": "Пересёкшие границу",
        "people_fled": "Бежавшие",
        "returned": "Вернувшиеся",
        "who_attacked": "Кто на кого напал",
        "police": "Как действовала полиция",
    }
)
RU.update({f"point_{k}": v for k, v in RU_POINTS.items()})

MESSAGES: dict[str, Mapping[str, str]] = {"en": EN, "ru": RU}

#: interface strings the browser translates by its locale (gr.I18n)
UI_KEYS = (
    "tab_ask", "tab_compare", "tab_about", "chat_label", "chat_placeholder", "ask",
    "question_label", "question_placeholder", "try", "read_articles", "close_panel",
    "article_pick", "show_furniture", "present", "handout_pick", "handout_download",
    "panel_title", "intro", "about", "cite_pick", "compare_intro", "suggest_title",
    "mark_title", "mark_answer", "mark_quote", "mark_kind", "mark_comment", "mark_send",
)  # fmt: skip
#: example questions under the chat box
EXAMPLES = (
    "How many people were killed?",
    "How many people were injured?",
    "What started the violence?",
    "How far is Sortobe from Masanchi?",
    "Сколько человек погибло?",
    "Who won the 2020 Champions League?",
)


def ui_translations() -> dict[str, dict[str, str]]:
    """{language: {key: text}} of the interface strings, for gr.I18n."""
    return {lang: {k: m[k] for k in UI_KEYS} for lang, m in MESSAGES.items()}


def lang_of(language: str | None) -> str:
    """A supported language code; anything else falls back to English."""
    return language if language in MESSAGES else DEFAULT_LANGUAGE


def point_label(point: str, label: str, language: str | None) -> str:
    """A contested point's label in ``language`` (the given English label as fallback)."""
    return MESSAGES[lang_of(language)].get(f"point_{point}", label)


#: optional Claim fields (added by the claims extractor) and the message that shows each
CLAIM_EXTRAS = (
    ("attribution", "according_to", "who"),
    ("as_of", "as_of", "when"),
    ("counts", "counts", "what"),
    ("note", "note", "text"),
)


def claim_extras(claim: object, language: str | None) -> list[str]:
    """Qualifier, attribution, as-of, what is counted and a note, for those a claim has."""
    bits = [str(q)] if (q := getattr(claim, "qualifier", "")) else []
    bits += [
        t(language, key, **{name: str(v)})
        for field, key, name in CLAIM_EXTRAS
        if (v := getattr(claim, field, ""))
    ]
    return bits


def t(language: str | None, key: str, **values: object) -> str:
    """The string for ``key`` in ``language`` (English when missing), formatted with values."""
    template = MESSAGES[lang_of(language)].get(key, EN[key])
    return template.format(**values) if values else template
