"""The html report (``check --format html``) in a real browser: Debian's headless Chromium through Playwright
(``browser.py``; skipped only when Chromium is not installed).

The report of every example letter (text, Word, PDF, OFD; 提示 shown) must show each finding's highlight
at its place, visible, with its note on the same row beside it; hovering a note lights its highlight,
clicking a highlight goes to its note and a note's link to its highlight; no console error and no request
outside the file; and in print the notes stay visible beside the lines, and the page prints to A4.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser import browser, clean_page  # noqa: F401 (browser: the fixture)
from checker.cli import main
from conftest import EXAMPLES

LETTERS = [*sorted((EXAMPLES / "defective").glob("*.txt")), *sorted((EXAMPLES / "formats").iterdir())]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html-browser") / "report.html"
    args = ["check", "--isolated", "-j", "1", "--show-info", *map(str, LETTERS)]
    result = CliRunner().invoke(main, [*args, "--format", "html", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    return out


@pytest.fixture(scope="module")
def findings() -> int:
    data = json.loads(CliRunner().invoke(main, ["check", "--isolated", "-j", "1", "--format", "json",
                                                *map(str, LETTERS)]).stdout)
    return sum(len(f["diagnostics"]) for f in data["files"])


@pytest.fixture
def page(browser, report):
    with clean_page(browser, report, width=1280, height=1000) as page:
        yield page


PLACES = """() => Array.from(document.querySelectorAll('aside.note')).map(note => {
    const key = note.getAttribute('data-f');
    const mark = document.getElementById('m-' + key);
    const box = mark && mark.getBoundingClientRect();
    const noteBox = note.getBoundingClientRect();
    const row = mark && mark.closest('.row');
    const rowBox = row && row.getBoundingClientRect();
    return {key, mark: !!mark, markRow: row && row.id, noteRow: note.closest('.row').id,
            width: box ? box.width : 0, height: box ? box.height : 0, markLeft: box ? box.left : 0,
            noteLeft: noteBox.left, noteTop: noteBox.top, noteWidth: noteBox.width,
            rowTop: rowBox ? rowBox.top : 0, rowBottom: rowBox ? rowBox.bottom : 0,
            color: mark ? getComputedStyle(mark).backgroundColor : ''};
})"""


def test_every_finding_is_visible_at_its_place_with_its_note_beside_it(page, findings):
    assert page.title() == f"答复函检查报告（{len(LETTERS)} 个文件）"
    places = page.evaluate(PLACES)
    assert len(places) == findings > 10
    for place in places:
        assert place["mark"], place
        assert place["width"] > 0 and place["height"] > 0, place  # drawn, with a real font (not zero-width tofu)
        assert place["markRow"] == place["noteRow"], place  # the note stands on the row of its line
        assert place["noteLeft"] > place["markLeft"], place  # beside it, on the right
        assert place["rowTop"] <= place["noteTop"] < place["rowBottom"], place
        assert place["color"] not in ("", "rgba(0, 0, 0, 0)"), place  # coloured
    assert page.locator("section.letter").count() == len(LETTERS)


def test_hovering_a_note_lights_its_highlight_and_the_links_go_both_ways(page):
    note = page.locator("aside.note.error").first
    key = note.get_attribute("data-f")
    mark = page.locator(f"#m-{key}")
    assert "lit" not in (mark.get_attribute("class") or "")
    note.hover()
    assert "lit" in mark.get_attribute("class").split()
    page.mouse.move(0, 0)
    assert "lit" not in mark.get_attribute("class").split()
    note.locator(".where a").click()
    assert page.evaluate("() => location.hash") == f"#m-{key}"
    assert mark.is_visible() and mark.evaluate("m => m.matches(':target')")
    page.locator("mark[data-f]:not(.gap)").last.click()
    last = page.locator("mark[data-f]:not(.gap)").last.get_attribute("data-f").split()[0]
    assert page.evaluate("() => location.hash") == f"#n-{last}"
    assert page.locator(f"#n-{last}").is_visible()


def test_a_missing_element_is_a_badge_where_it_belongs(page):
    badges = page.locator("mark.gap")
    assert badges.count() >= 4
    texts = badges.all_inner_texts()
    assert "缺：签发人" in texts and "缺：联系人" in texts
    box = page.locator("mark.gap", has_text="缺：签发人").first.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 5


def test_in_print_the_notes_stay_beside_the_lines_and_it_prints_to_a4(page):
    page.emulate_media(media="print")
    places = page.evaluate(PLACES)
    for place in places:
        assert place["width"] > 0 and place["noteWidth"] > 50, place  # still shown, not squeezed away
        assert place["markRow"] == place["noteRow"] and place["noteLeft"] > place["markLeft"], place
    breaks = page.evaluate("""() => Array.from(document.querySelectorAll('section.letter'))
        .map(s => getComputedStyle(s).breakBefore)""")
    assert breaks == ["page"] * len(LETTERS)  # each letter on a new page (after the table of contents)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.row')).breakInside") == "avoid"
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages >= len(LETTERS)


def test_one_letter_prints_from_its_first_page(browser, tmp_path):
    out = tmp_path / "one.html"
    result = CliRunner().invoke(main, ["check", "--isolated", "-j", "1", "--format", "html", "-o", str(out),
                                       str(LETTERS[0])], catch_exceptions=False)
    assert result.exit_code == 1
    with clean_page(browser, out) as page:
        page.emulate_media(media="print")
        assert page.evaluate("() => getComputedStyle(document.querySelector('section.letter')).breakBefore") == "auto"
        assert page.locator("aside.note").first.is_visible()
        pdf = page.pdf(format="A4")
        assert 1 <= len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) <= 4
