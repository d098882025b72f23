"""The app in headless chromium: ask, see cited answers, open a source, compare, export.

Needs the Debian `chromium` package at /usr/bin/chromium (skipped, with the reason, otherwise).
Screenshots go to $MASANCHI_SCREENSHOTS (default /tmp) as masanchi-*.png.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(os.environ.get("MASANCHI_SCREENSHOTS", "/tmp"))
READY_MS = 180_000  # warm-up on a cold index takes ~20 s; leave room for slow CI
ANSWER_MS = 120_000
OUTLETS = ["CABAR.asia", "Fergana", "WSWS", "The Diplomat", "Vlast.kz"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """`python app.py` on a free port (through --port), stopped after the module."""
    port = _free_port()
    log = SHOTS / f"masanchi-app-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + READY_MS / 1000
        while True:
            if proc.poll() is not None:
                pytest.fail(f"app.py exited with {proc.returncode}; see {log}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"app.py did not serve {url}; see {log}")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def page(app_url: str):  # -> playwright.sync_api.Page
    """One headless chromium page on the app, shared by the tests below (they run in order)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (install the Debian package: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        pg = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
        pg.set_default_timeout(30_000)
        pg.goto(app_url)
        yield pg
        browser.close()


def _shot(page, name: str, full: bool = False) -> None:
    page.screenshot(path=str(SHOTS / f"masanchi-{name}.png"), full_page=full)


def _span_of(href: str) -> tuple[str, int, int]:
    q = parse_qs(urlparse(href).query)
    return q["doc"][0], int(q["start"][0]), int(q["end"][0])


def _file_text(doc_id: str) -> str:
    return (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8")


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_status_turns_ready(page) -> None:
    from playwright.sync_api import expect

    status = page.locator("#ms-status")
    expect(status).to_be_visible()
    _shot(page, "0-start")
    expect(status).to_contain_text("Ready", timeout=READY_MS)


def test_ask_shows_cited_answer_with_disagreement(page) -> None:
    from playwright.sync_api import expect

    page.locator("#ms-question textarea").fill("How many people were killed?")
    page.locator("#ms-ask").click()
    answer = page.locator("#ms-chat .ms-answer").last
    expect(answer).to_be_visible(timeout=ANSWER_MS)
    expect(answer).to_contain_text("Sources disagree")
    quotes = answer.locator("li.ms-quote")
    assert quotes.count() >= 2
    assert answer.locator("table.ms-table th").count() >= 2
    for i in range(quotes.count()):
        item = quotes.nth(i)
        doc, start, end = _span_of(item.locator("a.ms-open").get_attribute("href"))
        quote = _file_text(doc)[start:end]
        assert " ".join(item.locator("q").inner_text().split()) == " ".join(quote.split())
        assert re.match(rf"\[{i + 1}\]", item.inner_text())
    _shot(page, "1-answer", full=True)


def test_citation_picker_opens_the_source(page) -> None:
    from playwright.sync_api import expect

    page.locator("#ms-cite-pick input").click()
    page.get_by_role("option", name=re.compile(r"^\[2\] ")).click()
    expect(page.get_by_role("tab", name="Read a source")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#ms-viewer mark").first).to_be_in_viewport()
    _tab(page, "Ask")


def test_off_topic_example_is_refused(page) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Who won the 2020 Champions League?").click()
    refusal = page.locator("#ms-chat .ms-refusal").last
    expect(refusal).to_be_visible(timeout=ANSWER_MS)
    expect(refusal).to_contain_text("do not say")
    assert refusal.locator("a.ms-cite").count() == 0
    _shot(page, "2-refusal")


def test_markup_in_a_question_is_shown_as_text(page) -> None:
    from playwright.sync_api import expect

    hostile = '<img src=x onerror="window.__pwned=1"> [link](http://evil.example) killed?'
    page.locator("#ms-question textarea").fill(hostile)
    page.locator("#ms-question textarea").press("Enter")
    bubble = page.locator("#ms-chat .ms-question").last
    expect(bubble).to_have_text(hostile, timeout=ANSWER_MS)
    assert bubble.locator("img, a").count() == 0
    expect(page.locator("#ms-chat .ms-answer").nth(2)).to_be_visible(timeout=ANSWER_MS)
    assert page.evaluate("window.__pwned") is None


def test_citation_opens_the_source_scrolled_to_the_highlight(page) -> None:
    from playwright.sync_api import expect

    _tab(page, "Ask")
    link = page.locator("#ms-chat .ms-answer a.ms-cite").first
    doc, start, end = _span_of(link.get_attribute("href"))
    link.click()
    mark = page.locator("#ms-viewer mark").first
    expect(mark).to_be_visible()
    expect(page.get_by_role("tab", name="Read a source")).to_have_attribute("aria-selected", "true")
    assert mark.inner_text() == _file_text(doc)[start:end].replace("\r\n", "\n")
    expect(mark).to_be_in_viewport()
    expect(page.locator("#ms-viewer .ms-meta")).to_contain_text("Outlet")
    _shot(page, "3-source")


def test_picking_an_article_shows_it_unhighlighted(page) -> None:
    from playwright.sync_api import expect

    page.locator("#ms-article-pick input").click()
    page.get_by_role("option", name=re.compile(r"^WSWS")).click()
    expect(page.locator("#ms-viewer .ms-meta")).to_contain_text("David Levine")
    assert page.locator("#ms-viewer mark").count() == 0


def test_compare_tab_lists_every_outlet_and_links_to_sources(page) -> None:
    from playwright.sync_api import expect

    _tab(page, "Compare the sources")
    table = page.locator("#ms-compare table.ms-compare")
    expect(table).to_be_visible(timeout=READY_MS)
    heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    assert heads == ["Point", *OUTLETS]
    assert table.locator("tbody tr").count() >= 5
    _shot(page, "4-compare", full=True)
    cell = table.locator("a.ms-cell-quote").first
    doc, start, end = _span_of(cell.get_attribute("href"))
    cell.click()
    expect(page.locator("#ms-viewer mark").first).to_have_text(_file_text(doc)[start:end])


def test_exports_download_csv_and_markdown(page) -> None:
    _tab(page, "Compare the sources")
    for button, suffix in (("#ms-dl-csv", ".csv"), ("#ms-dl-md", ".md")):
        with page.expect_download() as info:
            page.locator(button).click()
        path = info.value.path()
        assert info.value.suggested_filename.endswith(suffix)
        text = Path(path).read_text(encoding="utf-8")
        for outlet in OUTLETS:
            assert outlet in text


def test_about_tab_explains_the_tool(page) -> None:
    from playwright.sync_api import expect

    _tab(page, "About")
    about = page.get_by_text("No language model writes text.")
    expect(about).to_be_visible()
    _shot(page, "5-about", full=True)
