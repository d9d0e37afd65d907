"""The page of ``replylint serve`` in a real browser: Debian's headless Chromium, driven by Playwright
(``browser.py``: ``executable_path``, nothing downloaded; skipped only when Chromium is not installed).

The real server is started as a drafter's colleague would (``python -m checker.cli serve --port 0``, the address
read from what it prints). The test uploads the Word example through the file chooser and sees its findings, marks
one by clicking and one from the keyboard, downloads the annotated .docx and reads its 批注, pastes a text letter and
downloads its fixed text (also one with a fix to confirm), opens a rule's explanation, prints, and sees an error
from the server in plain Chinese. Every page must log no console error and ask for nothing outside the server's
origin; at 1093×614 (1366×768 at 125 % zoom) it must not scroll sideways and no text is smaller than 14 px.
"""

from __future__ import annotations

import io
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import docx
import pytest

import checker
import formats_fixtures as ff
from browser import browser  # noqa: F401 (the fixture)
from checker.fix import fix_text

ROOT = Path(__file__).resolve().parent.parent  # the checkout: its example letters
SERVE = [sys.executable, "-m", "checker.cli", "serve", "--port", "0"]
ADDRESS = re.compile(r"https?://[\w.\[\]:-]+/")
SMALL = {"width": 1093, "height": 614}  # 1366×768 at 125 %

# What ``replylint check`` shows for examples/formats/npc-doc-number-and-date.docx (the same letter built here):
#   4:1   错误 RL107 发文字号括号不规范   东建复[2025]8号 → 东建复〔2025〕8号
#   4:1   警告 RL109 缺少签发人
#   17:1  错误 RL404 成文日期格式不规范   2025年06月10日 → 2025年6月10日
#   另有 1 个提示未显示（RL203 标题“关于”“对”叠用）
WORD_FINDINGS = ["RL107", "RL109", "RL404"]


# ---- the server ----------------------------------------------------------------------------------------------

@contextmanager
def serving(folder: Path, *options: str):
    """``replylint serve --port 0 [options]`` on a free loopback port, running the same ``checker`` as this test
    from ``folder`` (empty: no project config of the checkout applies); yields what it printed up to its address
    (and its login link, when ``--token`` is given). Stopped with Ctrl-C at the end."""
    env = {**os.environ, "PYTHONPATH": str(Path(checker.__file__).resolve().parent.parent), "PYTHONUNBUFFERED": "1",
           "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen([*SERVE, *options], cwd=folder, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, encoding="utf-8")
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    said: list[str] = []  # its standard error, read all along so that it never blocks
    threading.Thread(target=lambda: [said.append(line) for line in process.stderr], daemon=True).start()
    printed: list[str] = []
    try:
        wanted = 2 if "--token" in options else 1
        deadline = time.monotonic() + 30
        while sum(bool(ADDRESS.search(line)) for line in printed) < wanted:
            try:
                printed.append(lines.get(timeout=0.2))
            except queue.Empty:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"replylint serve printed no address: {printed} {''.join(said)[-2000:]}")
        yield printed
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The address of a ``replylint serve`` (no token: loopback only)."""
    with serving(tmp_path_factory.mktemp("serve-cwd")) as printed:
        yield ADDRESS.search(printed[0]).group(0)


class Watched:
    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []  # console errors and uncaught exceptions
        self.outside: list[str] = []  # every request not for the server's origin (aborted)


@contextmanager
def watched_page(browser, server, size=None, expected_errors=()):
    """The page at ``server`` in a new context; afterwards no console error (beyond ``expected_errors``:
    patterns of the messages a test provokes) and no request outside the server's origin."""
    context = browser.new_context(viewport=size or {"width": 1366, "height": 768}, locale="zh-CN",
                                  accept_downloads=True)
    page = context.new_page()
    watched = Watched(page)
    page.on("console", lambda m: watched.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.errors.append(f"page error: {e}"))

    def route(r):
        if r.request.url.startswith(server):
            r.continue_()
        else:
            watched.outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(server)
    page.wait_for_load_state("load")
    try:
        yield watched
    finally:
        context.close()
    errors = [e for e in watched.errors if not any(re.search(p, e) for p in expected_errors)]
    assert errors == [], errors
    assert watched.outside == [], watched.outside


@pytest.fixture
def page(browser, server):
    with watched_page(browser, server) as watched:
        yield watched.page


# ---- letters ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def word_letter(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serve-browser") / "npc-doc-number-and-date.docx"
    path.write_bytes(ff.build_docx(ff.letter_texts()["npc-doc-number-and-date"]))
    return path


def text_letter() -> str:
    return ff.letter_texts()["npc-doc-number-and-date"]


def confirm_letter() -> str:
    """The compliant NPC letter with a space in its title (RL204: a fix to confirm), a date to fix (RL404, safe),
    and a repeated word after a character outside the BMP (RL311 at a column the page must count in code points)."""
    text = (ROOT / "examples" / "npc-compliant.txt").read_text(encoding="utf-8")
    for old, new in (("第15号建议的答复", "第15号建议的 答复"), ("2025年6月10日\n\n（联系", "2025年06月10日\n\n（联系"),
                     ("经认真研究", "经𠮷认真研究研究")):
        assert old in text
        text = text.replace(old, new, 1)
    return text


def same_lines(downloaded: bytes, fixed: str) -> bool:
    """The downloaded text is ``fixed`` line by line (/api/fix joins the letter's lines with "\\n")."""
    return downloaded.decode("utf-8").splitlines() == fixed.splitlines()


# ---- helpers --------------------------------------------------------------------------------------------------

def upload(page, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="选择文件…").click()
    chooser.value.set_files(str(path))
    page.wait_for_selector("#findings li.finding")


def paste(page, text: str, show_info: bool = False) -> None:
    page.locator("#text").fill(text)
    if show_info:
        page.locator("#show-info").check()
    with page.expect_response("**/api/check"):
        page.get_by_role("button", name="检查", exact=True).click()
    page.wait_for_selector("#results:not([hidden])")


def codes(page) -> list[str]:
    return page.locator("#findings li.finding code").all_inner_texts()


def in_viewport(page, selector: str) -> bool:
    return page.evaluate("""s => { const b = document.querySelector(s).getBoundingClientRect();
        return b.width > 0 && b.height > 0 && b.top >= 0 && b.left >= 0 && b.bottom <= innerHeight && b.right <= innerWidth; }""",
                         selector)


def download(page, button_name: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button_name).click()
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


# ---- the Word example -------------------------------------------------------------------------------------------

def test_the_word_letter_shows_its_findings_in_place(page, word_letter):
    page.evaluate("""() => { window.busySeen = false;
        new MutationObserver(() => { if (!document.getElementById('busy').hidden
            && document.getElementById('check').disabled) { window.busySeen = true; } })
        .observe(document.getElementById('busy'), {attributes: true}); }""")
    upload(page, word_letter)
    assert page.evaluate("() => window.busySeen")  # 正在检查… while the server worked, 检查 not pressable twice
    assert page.locator("#busy").is_hidden() and page.locator("#check").is_enabled()
    assert codes(page) == WORD_FINDINGS
    assert page.locator("#counts").inner_text() == "错误 2，警告 1，提示 1 个未显示"
    assert page.locator("#res-name").inner_text() == "npc-doc-number-and-date.docx"
    # each finding has its place in the letter: the bracketed number marked on line 4, the missing 签发人 a badge
    # where it belongs, the date on line 17
    assert page.locator("#l-4 mark.error").first.inner_text().startswith("东建复[2025]8号")
    assert page.locator("#l-4 mark.gap.warning").inner_text() == "缺：签发人"
    assert page.locator("#l-17 mark.error").inner_text() == "2025年06月10日"
    for key in range(len(WORD_FINDINGS)):
        assert page.locator(f'#letter mark[data-f~="{key}"]').count() >= 1
    first = page.locator("#findings li.finding").first
    assert "发文字号括号不规范" in first.inner_text()
    assert "建议改为：“东建复〔2025〕8号”" in first.inner_text() and "可自动修正" in first.inner_text()
    assert "依据：GB/T 9704-2012" in first.inner_text()
    assert page.get_by_role("button", name="下载带批注的 Word 文件").is_visible()


def test_clicking_a_finding_marks_its_place(page, word_letter):
    upload(page, word_letter)
    page.locator("#findings li.finding").nth(2).get_by_role("button").first.click()
    date = '#l-17 mark[data-f~="2"]'
    assert {"error", "current"} <= set(page.locator(date).get_attribute("class").split())
    assert in_viewport(page, date)
    assert page.evaluate("() => document.activeElement.closest('#l-17') !== null")
    assert "current" in page.locator("#f-2").get_attribute("class")
    # the others are not marked
    assert page.locator("#letter mark.current").count() == 1
    # clicking a mark leads back to its finding
    page.locator('#l-4 mark.gap').click()
    assert page.evaluate("() => document.activeElement.closest('li.finding').id") == "f-1"


def test_the_keyboard_reaches_a_finding_and_marks_it(page, word_letter):
    upload(page, word_letter)
    page.locator("#pick").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('button.goto')"):
            break
    else:
        pytest.fail("Tab never reached a finding")
    focused = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [document.activeElement.dataset.f, s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
    assert focused[0] == "0" and focused[1] != "none" and focused[2] >= 2  # a visible focus ring
    page.keyboard.press("Enter")
    assert page.locator('#letter mark.current').count() >= 1
    assert page.evaluate("() => document.activeElement.matches('mark.current')")
    assert in_viewport(page, "#letter mark.current")
    page.keyboard.press("Escape")  # from the mark back to its finding
    assert page.evaluate("() => document.activeElement.matches('button.goto')")


def test_the_annotated_word_file_carries_the_comments(page, word_letter):
    upload(page, word_letter)
    name, data = download(page, "下载带批注的 Word 文件")
    assert name == "npc-doc-number-and-date.批注.docx"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        comments = z.read("word/comments.xml").decode("utf-8")
    assert comments.count('w:author="replylint"') == len(WORD_FINDINGS)
    for code in WORD_FINDINGS:
        assert f"（{code} " in comments
    assert "下载" in page.locator("#status").inner_text()
    # 直接改正: the fixes are made in the copy
    page.locator("#mode").select_option("apply-fixes")
    _, data = download(page, "下载带批注的 Word 文件")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "东建复〔2025〕8号" in paragraphs and "2025年6月10日" in paragraphs


def test_a_rule_is_explained(page, word_letter):
    upload(page, word_letter)
    button = page.locator("#f-0").get_by_role("button", name=re.compile("规则说明"))
    button.click()
    dialog = page.locator("#explain")
    dialog.wait_for(state="visible")
    assert dialog.locator("h2").inner_text() == "RL107 发文字号括号不规范"
    assert "六角括号" in dialog.inner_text() and "GB/T 9704-2012" in dialog.inner_text()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.matches('#f-0 button.explain')")


def test_print_shows_the_letter_and_notes_without_buttons(page, word_letter):
    upload(page, word_letter)
    page.emulate_media(media="print")
    assert page.locator("#letter mark.error").first.is_visible()
    assert page.locator("#findings li.finding").count() == len(WORD_FINDINGS)
    assert page.locator("#findings li.finding").first.is_visible()
    assert page.evaluate("""() => Array.from(document.querySelectorAll('button, select, textarea, input'))
        .filter(b => b.getBoundingClientRect().width > 0 && getComputedStyle(b).visibility !== 'hidden')
        .every(b => b.matches('button.goto'))""")  # a finding's heading stays, drawn as text
    assert page.evaluate("() => getComputedStyle(document.querySelector('button.goto')).borderStyle") == "none"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


# ---- text letters ------------------------------------------------------------------------------------------------

def test_a_pasted_letter_is_fixed(page):
    text = text_letter()
    paste(page, text)
    assert codes(page) == ["RL107", "RL109", "RL404"]
    assert not page.locator("#annotate-box").is_visible()  # no Word file to annotate
    name, data = download(page, "下载修正后的文本")
    assert name == "粘贴的文字.修正.txt"
    fixed, applied = fix_text(text)
    assert len(applied) == 2
    assert same_lines(data, fixed)
    assert "改了 2 处" in page.locator("#status").inner_text()


def test_a_fix_to_confirm_is_asked_one_by_one(page):
    text = confirm_letter()
    paste(page, text, show_info=True)
    # the repeated word after 𠮷 (a surrogate pair in JavaScript) is marked on exactly its characters
    assert page.locator("#l-12 mark.info").inner_text() == "研究研究"
    assert page.locator("#l-8 mark.info").inner_text() == "关于市九届人大四次会议第15号建议的 答复"
    page.get_by_role("button", name="下载修正后的文本").click()
    dialog = page.locator("#unsafe")
    dialog.wait_for(state="visible")
    offers = dialog.locator("li")
    assert offers.count() == 1
    assert "RL204" in offers.first.inner_text() and "关于市九届人大四次会议第15号建议的答复" in offers.first.inner_text()
    offers.first.get_by_role("checkbox").check()
    with page.expect_download() as info:
        dialog.get_by_role("button", name="下载修正后的文本").click()
    data = Path(info.value.path()).read_bytes()
    fixed, applied = fix_text(text, unsafe=True)
    assert {a.code for a in applied} == {"RL204", "RL404"}
    assert same_lines(data, fixed)


def test_declining_a_fix_keeps_that_text(page):
    text = confirm_letter()
    paste(page, text)
    page.get_by_role("button", name="下载修正后的文本").click()
    page.locator("#unsafe").wait_for(state="visible")
    with page.expect_download() as info:
        page.locator("#unsafe").get_by_role("button", name="下载修正后的文本").click()
    data = Path(info.value.path()).read_bytes()
    assert same_lines(data, fix_text(text)[0])
    assert "第15号建议的 答复".encode() in data and "2025年6月10日".encode() in data


def test_a_letter_dropped_on_the_page_is_checked(page):
    text = text_letter()
    page.evaluate("""text => {
        const data = new DataTransfer();
        data.items.add(new File([text], '拖进来的答复函.txt', {type: 'text/plain'}));
        const zone = document.getElementById('drop');
        for (const type of ['dragenter', 'dragover', 'drop']) {
            zone.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
        } }""", text)
    page.wait_for_selector("#findings li.finding")
    assert page.locator("#res-name").inner_text() == "拖进来的答复函.txt"
    assert codes(page) == ["RL107", "RL109", "RL404"]


# ---- errors and layout ------------------------------------------------------------------------------------------

def test_an_unreadable_file_is_said_plainly(browser, server, tmp_path):
    broken = tmp_path / "损坏的答复函.docx"
    broken.write_bytes(b"PK\x03\x04 this is not a Word file")
    with watched_page(browser, server, expected_errors=[r"status of 4\d\d"]) as watched:
        page = watched.page
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="选择文件…").click()
        chooser.value.set_files(str(broken))
        alert = page.get_by_role("alert")
        alert.wait_for(state="visible")
        assert re.search(r"[\u4e00-\u9fff]", alert.inner_text())
        assert "{" not in alert.inner_text()  # the message, not the JSON
        assert page.locator("#busy").is_hidden()
        assert page.locator("#check").is_enabled()
        # a file the checker does not read is refused before anything is sent
        other = tmp_path / "letter.doc"
        other.write_bytes(b"\xd0\xcf\x11\xe0")
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="选择文件…").click()
        chooser.value.set_files(str(other))
        assert "另存为" in alert.inner_text()


def test_the_page_fits_an_office_screen_at_125_percent(browser, server, word_letter):
    with watched_page(browser, server, size=SMALL) as watched:
        page = watched.page
        upload(page, word_letter)
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
        # the list of findings stands beside the letter, not under it
        letter = page.locator("#letter").bounding_box()
        findings = page.locator("#findings").bounding_box()
        assert findings["x"] >= letter["x"] + letter["width"] and findings["y"] < letter["y"] + letter["height"]
        smallest = page.evaluate("""() => {
            let min = Infinity, where = '';
            for (const node of document.querySelectorAll('body *')) {
                const own = Array.from(node.childNodes).some(c => c.nodeType === 3 && c.textContent.trim());
                if (!own || node.getClientRects().length === 0) continue;
                const size = parseFloat(getComputedStyle(node).fontSize);
                if (size < min) { min = size; where = node.tagName + '.' + node.className; }
            }
            return [min, where]; }""")
        assert smallest[0] >= 14, smallest
        page.locator("#findings li.finding").nth(2).get_by_role("button").first.click()
        assert in_viewport(page, '#letter mark.current')
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")


def test_a_long_line_and_a_long_name_do_not_widen_the_page(browser, server):
    text = text_letter().replace("全县城区", "全县城区" + "A" * 3000 + "<b>&amp;</b>", 1)
    with watched_page(browser, server, size=SMALL) as watched:
        page = watched.page
        page.evaluate("""text => {
            const data = new DataTransfer();
            data.items.add(new File([text], '关于' + '很长的文件名'.repeat(30) + '.txt', {type: 'text/plain'}));
            document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true,
                cancelable: true})); }""", text)
        page.wait_for_selector("#findings li.finding")
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
        assert page.locator("#letter b").count() == 0  # the letter's text is text, never markup
        assert "<b>&amp;</b>" in page.locator("#letter").inner_text()


def test_the_login_link_lets_the_page_work_with_a_token(browser, tmp_path, word_letter):
    token = "page-test-" + "x" * 12
    with serving(tmp_path, "--token", token) as printed:
        url = ADDRESS.search(printed[0]).group(0)
        link = next(line for line in printed if "?token=" in line)
        assert f"{url}?token={token}" in link
        # without the link: refused (the browser logs the 401), and nothing of the page runs
        with watched_page(browser, url, expected_errors=[r"status of 401"]) as watched:
            assert watched.page.locator("#pick").count() == 0
        context = browser.new_context(locale="zh-CN", accept_downloads=True)
        try:
            page = context.new_page()
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{url}?token={token}")
            assert page.url == url  # the token left the address bar: a cookie holds it
            upload(page, word_letter)
            assert codes(page) == WORD_FINDINGS
            name, _ = download(page, "下载带批注的 Word 文件")
            assert name == "npc-doc-number-and-date.批注.docx"
            assert errors == []
        finally:
            context.close()
