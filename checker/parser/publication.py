"""Stage 2b, publication: the lines a publishing system wrapped around the letter → artifacts and metadata.

Page titles, ``发布时间/来源/浏览次数`` lines, metadata tables (pipes, tabs, ``键：值``), breadcrumbs and print/close/
share links, as whole lines in a run at the top or the bottom of the text (never a letter line that merely
contains such a word), leave the token stream as ``publication`` artifacts. The values of 发文字号, 成文日期 and
公开方式 are handed to the builder, which uses them only for an element the letter itself lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Artifact
from .normalize import Line

# Keys that only a publishing system writes.
_PORTAL_KEYS = (
    "索引号", "信息索引号", "内容索引号", "发布时间", "发布日期", "更新时间", "更新日期", "生成日期", "发布机构", "发文机构",
    "发文机关", "发布单位", "主题分类", "信息分类", "体裁分类", "组配分类", "服务对象分类", "主题词", "关键词", "有效性",
    "时效性", "效力状态", "来源", "信息来源", "文章来源", "稿件来源", "浏览次数", "阅读次数", "访问次数", "点击次数", "点击数",
    "点击量", "浏览量", "阅读量", "作者", "编辑", "责任编辑", "发布人", "上一篇", "下一篇", "所属机构", "公开时限", "公开日期",
    "公开时间", "时间",
)
# Keys of a document's metadata: the portal's at the top, possibly the letter's own labels at the bottom.
_DOCUMENT_KEYS = ("发文字号", "文号", "成文日期", "发文日期")
# Keys a letter itself uses for its 公开属性 line.
_DISCLOSURE_KEYS = ("公开方式", "公开属性", "信息公开属性", "公开选项", "信息公开选项", "公开范围", "公开类型")

# the model field a metadata key can fill (发布时间/发布日期 never fill the 成文日期)
METADATA_FIELDS = {"发文字号": "doc_number", "文号": "doc_number", "成文日期": "date",
                   **{key: "disclosure" for key in _DISCLOSURE_KEYS}}

PORTAL, DOCUMENT, DISCLOSURE = 2, 1, 0  # how surely a key is the publisher's
_STRENGTH = {**{k: PORTAL for k in _PORTAL_KEYS}, **{k: DOCUMENT for k in _DOCUMENT_KEYS},
             **{k: DISCLOSURE for k in _DISCLOSURE_KEYS}}
_KEYS = "|".join(sorted(_STRENGTH, key=len, reverse=True))

# a cell that begins with a key: "发布时间：2024-06-18 09:32", "发文字号：" (empty), "索引号" (a tab table's key)
_KEY_CELL = re.compile(rf"^(?P<key>{_KEYS})\s*+(?P<colon>[:：]?)\s*+(?P<value>.*)$")
# a key further inside a cell, after one space: "发布时间：2024-06-18 来源：澜州市交通运输局"
_INNER_KEY = re.compile(rf"(?<=\s)(?:{_KEYS})\s*+[:：]")
# a key the lists above do not know (访问量：193, 分类, 点击率：…): a short label. It counts only on a line that
# also has a key or a control only a portal writes, so that a letter's own labelled line is never taken
_OTHER_KEY_CELL = re.compile(r"^(?P<key>[\u4e00-\u9fff]{2,6})\s*+(?P<colon>[:：]?)\s*+(?P<value>.*)$")
# what separates the cells of a metadata line: pipes, tabs, full-width spaces, two spaces or more
_CELL_SEPARATOR = re.compile(r"[|｜\t\u3000]| {2,}")

_CHROME_WORDS = (
    r"打印本页|打印此页|打印页面|打印文章|打印|关闭窗口|关闭本页|关闭页面|关闭|返回顶部|返回列表|返回|收藏本页|收藏|我要纠错|纠错|"
    r"扫一扫在手机上?(?:打开|查看|浏览)(?:当前页面?|本页)?|手机扫一扫|扫一扫|"
    r"字[体号]\s*+[:：]?\s*+[【\[［]?大[】\]］]?\s*+[【\[［]?中[】\]］]?\s*+[【\[［]?小[】\]］]?|"
    r"分享到\s*+[:：]?(?:\s*+(?:微信|微博|QQ空间|QQ|朋友圈|新浪微博|腾讯微博|豆瓣|人人网))*+"
)
# a line (or cell) of page controls only: 【字体：大 中 小】  打印本页  关闭窗口 / 【打印】【关闭】 / 分享到：
_CHROME = re.compile(rf"^(?>[\s|｜·/]*+[【\[［]?\s*+(?:{_CHROME_WORDS})\s*+[】\]］]?)++[\s|｜·/]*+$")
# 当前位置：首页 > 政务公开 > … / 首页 > 政务公开 > 建议提案办理
_BREADCRUMB = re.compile(r"^(?:(?:您现在的位置|您当前的位置|您的位置|当前位置|所在位置)\s*+[:：]|首页\s*+(?:>|＞|》|»|›|→|/))")
# a bare portal timestamp: 2024-06-18 09:32:11
_TIMESTAMP = re.compile(r"^\d{4}\s*+[-/.年]\s*+\d{1,2}\s*+[-/.月]\s*+\d{1,2}\s*+日?\s*+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?$")

# a social-media account's byline: 柳塘发布  2024-07-03 17:30 (the account's name, then when it posted)
# or a WeChat article's header: 原创　东陵湾城管　东陵湾市城市管理局　2025年07月08日 18:02　发表于广东
_ACCOUNT_BYLINE = re.compile(r"^(?:原创[ \t\u3000]++)?(?:[^\s。，,：:；;]{2,20}[ \t\u3000]++){1,3}"
                             r"\d{4}\s*+[-/.年]\s*+\d{1,2}\s*+[-/.月]\s*+\d{1,2}\s*+日?\s*+"
                             r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?:[ \t\u3000]*+(?:发表于|来自)[\u4e00-\u9fff]{2,8})?$")

# the characters a publication line can start with (a cheap guard before any regex)
_FIRST = frozenset({key[0] for key in _STRENGTH} | set("【[［|｜打关返收我纠扫手字分您当所首0123456789"))
_LONGEST_LINE = 400  # a publication line is short; a longer one is the letter's
_LONGEST_VALUE = 80
_SCAN = 40  # lines looked at from either end


@dataclass(slots=True)
class MetadataValue:
    """A value of a metadata field, as a line of its own that keeps the columns of the source line."""

    field: str  # the model field it may fill: doc_number, date, disclosure
    key: str  # the key as written (发文字号, 公开方式 …)
    value: Line  # the value alone
    cell: Line  # key and value ("公开方式：主动公开"), for a value a builder knows only with its label


@dataclass(slots=True)
class Publication:
    """A letter's lines with the publication lines taken out."""

    lines: list[Line]  # the letter proper
    artifacts: list[Artifact] = field(default_factory=list)
    metadata: list[MetadataValue] = field(default_factory=list)
    # a page title above the metadata that does not visibly repeat the letter's title: it is the title when
    # the letter turns out to have none of its own (``keep_page_title``)
    page_title: Line | None = None

    def with_page_title(self) -> list[Line]:
        """The letter's lines with its page title back in place."""
        if self.page_title is None:
            return self.lines
        return sorted([*self.lines, self.page_title], key=lambda line: line.number)

    def keep_page_title(self) -> None:
        """The letter has no title of its own: its page title is its title, a line of the letter."""
        title = self.page_title
        if title is None:
            return
        self.lines = self.with_page_title()
        self.page_title = None
        self.artifacts = [a for a in self.artifacts if a.span.line != title.number]


@dataclass(slots=True)
class _Reading:
    strength: int  # PORTAL, DOCUMENT or DISCLOSURE: the surest key or control on the line
    pairs: list[tuple[str, int, int, int]]  # (key, cell start, value start, value end) offsets in the text


def _cells(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each non-empty cell, white space trimmed."""
    out = []
    at = 0
    for m in [*_CELL_SEPARATOR.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        start = at
        while start < end and text[start].isspace():
            start += 1
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop > start:
            out.append((start, stop))
        if m is not None:
            at = m.end()
    return out


def read_line(line: Line) -> _Reading | None:
    """What a publication line holds, or None for a line that is not one."""
    text = line.text
    if len(text) > _LONGEST_LINE:
        return None
    if text[0] not in _FIRST:
        return _Reading(PORTAL, []) if _ACCOUNT_BYLINE.match(text) else None
    if _CHROME.match(text) or _BREADCRUMB.match(text) or _TIMESTAMP.match(text):
        return _Reading(PORTAL, [])
    strength = -1
    pairs: list[tuple[str, int, int, int]] = []
    pending: tuple[str, int] | None = None  # a table's key cell waiting for its value cell
    unknown_keys = False
    for cell_start, cell_end in _cells(text):
        cell = text[cell_start:cell_end]
        if _CHROME.match(cell):
            strength = PORTAL
            continue
        starts = [cell_start] + [cell_start + m.start() for m in _INNER_KEY.finditer(cell)]
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else cell_end
            piece = text[start:end].rstrip()
            m = _KEY_CELL.match(piece)
            value = m.group("value") if m else ""
            if m and (m.group("colon") or not value):
                if pending is not None:  # the previous key's value was left empty
                    pairs.append((pending[0], pending[1], pending[1], pending[1]))
                key = m.group("key")
                strength = max(strength, _STRENGTH[key])
                if value:
                    pairs.append((key, start, start + m.start("value"), start + m.end("value")))
                    pending = None
                else:  # "索引号" or "索引号：" alone in its cell: a tab table's key, its value in the next cell
                    pending = (key, start)
                continue
            if pending is None:
                other = _OTHER_KEY_CELL.match(piece)
                if other is None or not (other.group("colon") or "\t" in text):
                    return None  # text that is no key's value: not a metadata line
                unknown_keys = True
                if other.group("colon"):
                    pairs.append((other.group("key"), start, start + other.start("value"), start + other.end("value")))
                else:  # a key cell of a tab table, its value in the next cell
                    pending = (other.group("key"), start)
                continue
            pairs.append((pending[0], pending[1], start, start + len(piece)))
            pending = None
    if pending is not None:
        pairs.append((pending[0], pending[1], pending[1], pending[1]))
    if strength < 0 or (unknown_keys and strength != PORTAL):
        return None
    for _, _, start, end in pairs:
        if end - start > _LONGEST_VALUE or "。" in text[start:end]:
            return None
    return _Reading(strength, pairs)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _title_like(line: Line) -> bool:
    """Could this line be a page title: one short unpunctuated line of text."""
    text = line.text
    return (4 <= len(text) <= 150 and text[-1] not in "。！？；：:，,…" and "：" not in text and ":" not in text
            and "。" not in text and not text.endswith("文件"))


def _repeats_a_later_title(title: Line, after: list[Line]) -> bool:
    """Does a line below (alone or with the next, as a wrapped title) repeat this title: equal once spaces
    are removed, or contained in it (the page title adds the organ's name)? Looks in the header only."""
    wanted = _squeezed(title.text)
    for i, line in enumerate(after[:15]):
        text = line.text
        if text[-1] in "：:。；" or "。" in text:  # the salutation or the body: the header is over
            return False
        one = _squeezed(text)
        two = one + _squeezed(after[i + 1].text) if i + 1 < len(after) else one
        for candidate in (one, two):
            if candidate == wanted or (len(candidate) >= 8 and candidate in wanted):
                return True
    return False


def _artifact(line: Line) -> Artifact:
    return Artifact.trusted(kind="publication", text=line.text, span=line.span())


def split(lines: list[Line]) -> Publication:
    """Take the publication lines at the top and at the bottom out of a letter's lines."""
    if not lines or (lines[0].text[0] not in _FIRST and lines[-1].text[0] not in _FIRST
                     and not _title_like(lines[0])):
        return Publication(lines)  # the common case: a letter as its author wrote it
    readings: dict[int, _Reading] = {}
    # the top: publication lines, with at most two title lines among them; a line that is neither ends it.
    # A line of disclosure keys only (公开方式：主动公开) may be the letter's own 公开属性: it is publication
    # only above a line that cannot be the letter's.
    top_end = -1
    titles: list[int] = []
    for i, line in enumerate(lines[:_SCAN]):
        reading = read_line(line)
        if reading is not None:
            readings[i] = reading
            if reading.strength >= DOCUMENT:
                top_end = i
        elif len(titles) < 2 and _title_like(line):
            titles.append(i)
        else:
            break
    titles = [i for i in titles if i < top_end]
    wrapper = set(range(top_end + 1))
    page_title = None
    if titles:
        candidate = lines[titles[-1]]
        if not _repeats_a_later_title(candidate, lines[top_end + 1:]):
            page_title = candidate
    elif top_end + 1 < len(lines) and _title_like(lines[top_end + 1]) \
            and _repeats_a_later_title(lines[top_end + 1], lines[top_end + 2:]):
        wrapper.add(top_end + 1)  # a page title above the letter's own copy of it, with nothing between
    # the bottom: publication lines up to the end; the letter's own labels (公开属性, 成文日期) count only
    # below a line that can only be the publisher's
    bottom_start = len(lines)
    for i in range(len(lines) - 1, max(max(wrapper, default=-1), len(lines) - 1 - _SCAN), -1):
        reading = read_line(lines[i])
        if reading is None:
            break
        readings[i] = reading
        if reading.strength == PORTAL:
            bottom_start = i
    wrapper.update(range(bottom_start, len(lines)))
    if not wrapper:
        return Publication(lines)
    out = Publication([line for i, line in enumerate(lines) if i not in wrapper], page_title=page_title)
    for i in sorted(wrapper):
        line = lines[i]
        out.artifacts.append(_artifact(line))
        reading = readings.get(i)
        if reading is None:
            continue
        for key, cell_start, start, end in reading.pairs:
            name = METADATA_FIELDS.get(key)
            if name is not None and end > start:
                out.metadata.append(MetadataValue(field=name, key=key, value=line.slice(start, end),
                                                  cell=line.slice(cell_start, end)))
    return out


__all__ = ["METADATA_FIELDS", "MetadataValue", "Publication", "read_line", "split"]
