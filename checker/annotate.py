"""``replylint annotate``: a reviewed copy of a Word letter, with the findings as 批注 and the safe fixes as
修订 (``track-changes``) or made outright (``apply-fixes``).

The letter is read as ``check`` reads it (``sources.docx``, in ``record`` mode: every line also knows the
w:t / w:tab nodes its characters stand in) and checked by the same pipeline. An edit never rewrites a
paragraph: the runs at the two ends of a stretch are split, each half keeping the run's ``w:rPr``, and only
the nodes inside the stretch change. A fix is made only where the line still holds the text it expects and
every character of it stands in plain text of the body; fixes in a text box, a field, a list number, or
across a hyperlink's edge are left as suggestions (``unplaced``). Like ``check --fix`` the document is
checked again after each round of fixes, at most ``MAX_ROUNDS`` times.

The comments are placed last, on the document as written (修订 accepted), so that each finding still shown
gets one comment on exactly its text, and each fix one comment on the change. Headers, footers, footnotes,
media and every other part of the package are copied byte for byte; only the main part, the comments part,
their relationships and ``[Content_Types].xml`` are rewritten. The copy is written atomically and never over
the input or an existing file (unless ``force``).
"""

from __future__ import annotations

import copy
import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from .fix import MAX_ROUNDS, Applied, applied_fix, choose_fixes
from .formats import SEVERITY_LABELS
from .model import Diagnostic, FileResult, Severity
from .sources import SourceError, read_file_bytes
from .sources.docx import PKG_REL, WHAT, Document, Segment, open_document, resolve_target, source_of
from .sources.safety import OLE_MAGIC, Deadline

Mode = Literal["comments", "track-changes", "apply-fixes"]
MODES = ("comments", "track-changes", "apply-fixes")

AUTHOR = "replylint"
INITIALS = "RL"
SUFFIX = ".批注.docx"
ANNOTATE_SECONDS = 120.0  # reading, checking and editing one letter, all rounds together
MAX_COMMENTS = 2000  # a letter has tens of findings; a hostile file cannot make the copy grow without end
MAX_ID = 2**31 - 1  # Word reads annotation ids as signed 32-bit numbers
MAX_FIXES = 1000  # fixes made in one document, all rounds together

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
COMMENTS_REL = {"http://schemas.openxmlformats.org/wordprocessingml/2006/main":
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
                "http://purl.oclc.org/ooxml/wordprocessingml/main":
                "http://purl.oclc.org/ooxml/officeDocument/relationships/comments"}
COMMENTS_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"

# the parents a run may have for a fix to be made in it (a field, a moved or foreign 修订 are left alone)
_EDITABLE_PARENTS = ("p", "hyperlink", "smartTag", "customXml", "sdtContent", "dir", "bdo")
# what an edited run may hold besides the stretch's text (anything else would be deleted or moved with it)
_RUN_KEEPS = ("rPr", "t", "tab", "lastRenderedPageBreak", "softHyphen")
# what may stand between the runs of a stretch a fix replaces (marks without text, which stay where they are)
_BETWEEN_RUNS = ("proofErr", "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "permStart",
                 "permEnd")


class AnnotateError(Exception):
    """The letter cannot be annotated (or the copy not written); the message is a Chinese sentence."""


@dataclass
class AnnotateResult:
    path: str
    output: str
    comments: int = 0
    revisions: int = 0
    applied: list[Applied] = field(default_factory=list)
    unplaced: int = 0
    held: int = 0  # fixes not tried because ``MAX_FIXES`` were made already
    uncommented: int = 0  # findings without a comment because ``MAX_COMMENTS`` were written already
    result: FileResult | None = None


def _shown(path) -> str:
    from .names import printable_path

    return printable_path(str(path))


def default_output(path) -> Path:
    """``letter.docx`` → ``letter.批注.docx`` beside it."""
    path = Path(path)
    return path.with_name(path.stem + SUFFIX)


def annotate_docx(path, out=None, *, mode: Mode = "comments", unsafe: bool = False, force: bool = False,
                  configurator=None, author: str = AUTHOR, date: datetime | None = None,
                  protect=()) -> AnnotateResult:
    """Write a reviewed copy of the Word letter at ``path`` (default ``default_output(path)``).

    ``mode``: ``comments`` (批注 only), ``track-changes`` (safe fixes as 修订 too) or ``apply-fixes`` (safe
    fixes made outright); ``unsafe`` adds the fixes that need a person. Raises ``AnnotateError`` with a
    Chinese message when the letter cannot be read or the copy cannot be written; nothing is written then."""
    from .outfile import file_identities, write_atomically
    from .pipeline import default_configurator

    if mode not in MODES:
        raise AnnotateError(f"未知的方式 {mode!r}（可用：{'、'.join(MODES)}）")
    path = Path(path)
    target = Path(out) if out is not None else default_output(path)
    # the caller's identities (a frozenset, stat-ed once for a whole folder) or paths, and this letter's
    inputs = file_identities([path]) | (protect if isinstance(protect, frozenset) else file_identities(protect))
    _check_target(path, target, inputs, force)
    try:
        data = read_file_bytes(path, what="Word 文档")
    except SourceError as exc:
        raise AnnotateError(f"无法读取 {_shown(path)}：{exc}") from None
    package, result = annotate_bytes(data, str(path), mode=mode, unsafe=unsafe, configurator=configurator,
                                     author=author, date=date)
    try:
        _check_target(path, target, inputs, force)  # again: the folder may have changed while we worked
        write_atomically(target, package, inputs)
    except OSError as exc:
        raise AnnotateError(f"无法写入 {_shown(target)}：{exc.strerror or exc}") from None
    result.path, result.output = str(path), str(target)
    return result


def annotate_bytes(data: bytes, name: str, *, mode: Mode = "comments", unsafe: bool = False, configurator=None,
                   author: str = AUTHOR, date: datetime | None = None) -> tuple[bytes, AnnotateResult]:
    """The reviewed copy of the .docx ``data`` (named ``name`` in messages and for its config), as bytes;
    nothing is read from or written to disk (``replylint serve`` answers with them)."""
    from .pipeline import default_configurator
    from .sources import MAX_BYTES

    if mode not in MODES:
        raise AnnotateError(f"未知的方式 {mode!r}（可用：{'、'.join(MODES)}）")
    if len(data) > MAX_BYTES:
        raise AnnotateError(f"无法读取 {_shown(name)}：文件过大（超过 {MAX_BYTES // 1024 // 1024} MiB），不像一封答复函")
    if data.startswith(OLE_MAGIC):  # what the reader says of it (an encrypted package, a .doc renamed)
        from .sources.legacy import ole_message

        raise AnnotateError(f"无法读取 {_shown(name)}：{ole_message(data, '.docx')}")
    effective = (configurator or default_configurator()).for_path(name)
    deadline = Deadline(ANNOTATE_SECONDS, WHAT)
    try:
        package, result = deadline.guard(_annotate, data, name, effective, mode, unsafe, author,
                                         date or datetime.now(timezone.utc), deadline)
    except SourceError as exc:
        raise AnnotateError(f"无法读取 {_shown(name)}：{exc}") from None
    result.path = name
    return package, result


def _check_target(path: Path, target: Path, inputs, force: bool) -> None:
    from .outfile import output_target

    if target.suffix.lower() != ".docx":
        raise AnnotateError(f"输出文件 {_shown(target)} 应以 .docx 结尾")
    if not target.parent.is_dir():
        raise AnnotateError(f"输出文件夹 {_shown(target.parent)} 不存在")
    try:
        _, st = output_target(target, inputs)
    except OSError as exc:
        raise AnnotateError(f"不能写入 {_shown(target)}：{exc.strerror or exc}") from None
    if st is not None and not force:
        raise AnnotateError(f"{_shown(target)} 已存在；要替换它请加 --force，或用 -o 另给一个文件名")


def _annotate(data: bytes, path: str, effective, mode: Mode, unsafe: bool, author: str, date: datetime,
              deadline: Deadline) -> tuple[bytes, AnnotateResult]:
    from .pipeline import check_source

    document = open_document(data)
    editor = _Editor(document, author, date, effective.shows_info)
    out = AnnotateResult(path=path, output="")
    refused: set[tuple] = set()
    entries = document.entries(deadline, record=True)
    result = check_source(source_of(entries, path), effective)
    if result.error:
        raise SourceError(result.error)
    for _ in range(MAX_ROUNDS if mode != "comments" else 0):
        made = 0
        chosen = choose_fixes([e.text for e in entries], [d for d in result.diagnostics if _fix_key(d) not in refused],
                              unsafe)
        editor.fields.clear()  # the runs that show a field's result, found again for this round's document
        for index, fixes in chosen.items():
            for start, end, d in sorted(fixes, key=lambda t: t[0], reverse=True):  # right to left: see _Editor
                if len(out.applied) >= MAX_FIXES:
                    break
                if editor.replace(entries[index], start, end, d, tracked=mode == "track-changes"):
                    out.applied.append(applied_fix(d, index, start))
                    made += 1
                else:
                    refused.add(_fix_key(d))
        if not made:
            break
        entries = document.entries(deadline, record=True)
        result = check_source(source_of(entries, path), effective)
        if result.error:
            raise SourceError(result.error)
    shown = [d for d in result.diagnostics if d.severity is not Severity.INFO or effective.shows_info]
    # the fixes wanted but not made, among the findings that get a comment: those the last check still offers
    left = 0 if mode == "comments" else sum(
        1 for d in shown if d.fix is not None and d.fix.original is not None and (d.fix.safe or unsafe))
    if len(out.applied) >= MAX_FIXES:
        out.held = left  # not tried: the bound on fixes in one document was reached
    else:
        out.unplaced = left
    out.revisions = editor.revisions
    editor.comment_findings(entries, shown, deadline)
    out.comments = len(editor.comments)
    out.uncommented = editor.uncommented
    out.result = result
    return editor.package(), out


def _pieces(segments: list, start: int, end: int) -> list:
    """The pieces of a line (segments and made text) that hold any of characters ``start``…``end``."""
    out, position = [], 0
    for piece in segments:
        high = position + len(piece)
        if position < end and start < high:
            out.append(piece)
        position = high
    return out


def _done(d: Diagnostic, how: str) -> str:
    """What a fix did, in the words of the whole fix (not of the narrowed edit)."""
    f = d.fix
    if f.replacement:
        return f"已改为“{f.replacement}”{how}" if f.original else f"已补上“{f.replacement}”{how}"
    return f"已删除“{f.original}”{how}"


def _narrowed(original: str, replacement: str, start: int) -> tuple[int, int, str]:
    """The fix as the smallest edit: the characters it keeps at both ends are left alone, so that a 修订
    shows only what changes (“、”→“，”, not the whole 抄送 list) and crosses no more runs than it must."""
    head = 0
    limit = min(len(original), len(replacement))
    while head < limit and original[head] == replacement[head]:
        head += 1
    tail = 0
    while tail < limit - head and original[-1 - tail] == replacement[-1 - tail]:
        tail += 1
    return start + head, start + len(original) - tail, replacement[head:len(replacement) - tail]


def _points_at_place(d: Diagnostic) -> bool:
    """A finding about an element that is not there (a ``required`` rule): it points at a place, not a text."""
    from .engine import load_rules

    compiled = load_rules().by_name.get(d.rule)
    return compiled is not None and compiled.rule.check.kind == "required"


def _fix_key(d: Diagnostic) -> tuple:
    f = d.fix
    return (d.code, f.span.line, f.span.column, f.original, f.replacement) if f is not None else (d.code,)


def comment_text(d: Diagnostic, done: str | None = None) -> list[str]:
    """The paragraphs of a finding's 批注: what is wrong, the fix (or what was done), the rule."""
    from .reporters.titles import title_of

    lines = [f"【{SEVERITY_LABELS.get(d.severity.value, d.severity.value)}】{d.message}"]
    if done is not None:
        lines.append(done)
    elif d.fix is not None and d.fix.replacement:
        lines.append(f"建议改为：“{d.fix.replacement}”" + ("（可自动修正）" if d.fix.safe else ""))
    title = title_of(d.code)
    lines.append(f"规则：{title}（{d.code} {d.rule}）" if title else f"规则：{d.code} {d.rule}")
    return lines


class _Editor:
    """Edits the main part of one document in place: run splits, 修订, comment ranges, the comments part."""

    def __init__(self, document: Document, author: str, date: datetime, shows_info: bool = False):
        self.document = document
        self.shows_info = shows_info
        self.ns = document.ns
        self.w = f"{{{document.ns}}}"
        self.author = author
        self.date = date.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.comments: list[tuple[str, list[str]]] = []  # (id, paragraphs)
        self.revisions = 0
        self.uncommented = 0  # findings past MAX_COMMENTS
        self.ours: set = set()  # the w:ins elements made here (a later round may edit inside them)
        self.fields: dict = {}  # w:p → its runs that show a field's result
        self.comments_changed = False  # earlier replylint comments taken out: the part is written again
        self.comments_part, self.comments_root = self._existing_comments()
        self._drop_own_comments()
        self.used: set[int] = set()
        for root in (document.root, self.comments_root):
            if root is not None:
                for element in root.iter():
                    value = element.get(f"{self.w}id") if isinstance(element.tag, str) else None
                    if value is not None and value.lstrip("-").isdigit() and len(value) < 12:
                        self.used.add(int(value))
        self.next_id = max(self.used, default=0) + 1

    # ---- ids, elements ----------------------------------------------------------------------------------

    def _id(self) -> str:
        """An id no annotation of the document has, within Word's signed 32-bit range."""
        value = self.next_id
        while value in self.used or value > MAX_ID:
            value = 1 if value > MAX_ID else value + 1
        self.used.add(value)
        self.next_id = value + 1
        return str(value)

    def _el(self, name: str, **attributes):
        from lxml import etree

        element = etree.Element(self.w + name)
        for key, value in attributes.items():
            element.set(self.w + key, value)
        return element

    def _text(self, text: str, name: str = "t"):
        t = self._el(name)
        t.text = text
        t.set(XML_SPACE, "preserve")
        return t

    def _local(self, element) -> str:
        tag = element.tag
        return tag[len(self.w):] if isinstance(tag, str) and tag.startswith(self.w) else ""

    # ---- splitting: a run boundary before a character -------------------------------------------------------

    def _split_text(self, t, k: int):
        """Split a w:t at character ``k``; the new w:t (characters ``k``…) follows it in the same run."""
        rest = self._text(t.text[k:], self._local(t))
        t.text = t.text[:k]
        t.set(XML_SPACE, "preserve")
        t.addnext(rest)
        return rest

    def _split_run_before(self, node) -> None:
        """Make ``node`` the first content of its run: it and what follows move to a copy of the run."""
        run = node.getparent()
        if run is None or self._local(run) != "r":
            return
        if next((c for c in run if self._local(c) != "rPr"), None) is node:
            return
        from lxml import etree

        twin = etree.Element(run.tag, dict(run.attrib))
        rpr = run.find(f"{self.w}rPr")
        if rpr is not None:
            twin.append(copy.deepcopy(rpr))
        moving = []
        sibling = node
        while sibling is not None:
            moving.append(sibling)
            sibling = sibling.getnext()
        for child in moving:
            twin.append(child)
        run.addnext(twin)

    def _split_at(self, segments: list, p: int):
        """A run boundary before character ``p`` of a line (``segments`` as the walker made them). Characters
        before ``p`` keep their nodes, so a line's boundaries are made right to left. Returns the node that
        now begins at ``p`` (None at the line's end or in made text)."""
        position = 0
        previous = None
        for piece in segments:
            end = position + len(piece)
            if position <= p < end:
                if not isinstance(piece, Segment):
                    break
                node, k = piece.node, piece.offset + p - position
                if k > 0 and self._local(node) == "t":
                    node = self._split_text(node, k)
                self._split_run_before(node)
                return node
            previous = (piece, position)
            position = end
        if previous is not None and isinstance(previous[0], Segment):
            piece, start = previous
            node, k = piece.node, piece.offset + p - start
            if self._local(node) == "t" and k < len(node.text or ""):
                self._split_run_before(self._split_text(node, k))
            elif node.getnext() is not None:
                self._split_run_before(node.getnext())
        return None

    # ---- what may be edited -------------------------------------------------------------------------------

    def _in_text_box(self, node) -> bool:
        return any(self._local(a) == "txbxContent" for a in node.iterancestors())

    def _host_run(self, node):
        """The body run a text box is drawn from (the outermost box's anchor)."""
        host = None
        inside = False
        for ancestor in node.iterancestors():
            name = self._local(ancestor)
            if name == "txbxContent":
                inside, host = True, None
            elif inside and name == "r" and host is None:
                host = ancestor
        return host

    def _field_runs(self, paragraph) -> set:
        """The runs of ``paragraph`` that show a field's result (between fldChar separate and end)."""
        depth_result, runs = [], set()
        for run in paragraph.iter(f"{self.w}r"):
            for char in run.iter(f"{self.w}fldChar"):
                kind = char.get(f"{self.w}fldCharType")
                if kind == "begin":
                    depth_result.append(False)
                elif kind == "separate" and depth_result:
                    depth_result[-1] = True
                elif kind == "end" and depth_result:
                    depth_result.pop()
            if any(depth_result):
                runs.add(run)
        return runs

    def _editable(self, nodes: list) -> bool:
        if not nodes:
            return False
        parents = set()
        for node in nodes:
            run = node.getparent()
            if self._local(node) not in ("t", "tab") or run is None or self._local(run) != "r":
                return False
            if self._in_text_box(node) or any(self._local(a) == "fldSimple" for a in run.iterancestors()):
                return False
            holder = run.getparent()
            if holder is None or (self._local(holder) not in _EDITABLE_PARENTS and holder not in self.ours):
                return False
            if any(self._local(c) not in _RUN_KEEPS for c in run):
                return False
            paragraph = self._paragraph_of(node)  # a table row's line has a w:p in each cell
            if paragraph is not None:
                if paragraph not in self.fields:
                    self.fields[paragraph] = self._field_runs(paragraph)
                if run in self.fields[paragraph]:
                    return False
            parents.add(holder)
        return len(parents) == 1 or all(p in self.ours or self._local(p) == "p" for p in parents)

    def _nothing_between(self, runs: list) -> bool:
        """Whether only marks that hold no text (bookmarks, proofing marks, comment ranges) stand between the
        runs of a stretch: another reviewer's 修订 (w:del, w:moveFrom) or a comment's reference run between
        them would be moved by the edit, and a later rejection would put text in the wrong place."""
        for left, right in zip(runs, runs[1:]):
            if left.getparent() is not right.getparent():
                return False
            sibling = left.getnext()
            while sibling is not None and sibling is not right:
                if self._local(sibling) not in _BETWEEN_RUNS and not self._empty_run(sibling):
                    return False
                sibling = sibling.getnext()
            if sibling is None:
                return False
        return True

    def _empty_run(self, element) -> bool:
        """A run that shows nothing (Word leaves such runs behind after edits)."""
        return self._local(element) == "r" and all(
            self._local(c) in ("rPr", "lastRenderedPageBreak") or (self._local(c) == "t" and not c.text)
            for c in element)

    def _stretch(self, segments: list, start: int, end: int) -> list | None:
        """The nodes holding characters ``start``…``end`` of a line (None when made text is among them)."""
        pieces = _pieces(segments, start, end)
        return pieces if all(isinstance(p, Segment) for p in pieces) else None

    # ---- fixes ---------------------------------------------------------------------------------------------

    def replace(self, entry, start: int, end: int, d: Diagnostic, tracked: bool) -> bool:
        """Make one fix on a line (fixes of a line come right to left). False: left as a suggestion."""
        segments = entry.segments or []
        start, end, replacement = _narrowed(entry.text[start:end], d.fix.replacement, start)
        if start == end:
            return self._insert(entry, start, replacement, d, tracked)
        pieces = self._stretch(segments, start, end)
        if not pieces or not self._editable([p.node for p in pieces]):
            return False
        self._split_at(segments, end)
        first = self._split_at(segments, start)
        nodes = [first] + [p.node for p in pieces[1:]] if first is not None else None
        if nodes is None or not self._editable(nodes):
            return False  # cannot happen after the check above; never edit on a doubt
        runs = list(dict.fromkeys(n.getparent() for n in nodes))
        if not self._nothing_between(runs):
            return False
        # a fix taking away the whole text of a paragraph (a page number) takes the paragraph too
        emptied = self._emptied_paragraph(entry, start, end, replacement, nodes)
        if emptied is not None and not tracked and self._holds_only_text(emptied):
            neighbour = next((e for e in emptied.itersiblings() if self._local(e) == "p"), None)
            if neighbour is None:
                neighbour = next((e for e in emptied.itersiblings(preceding=True) if self._local(e) == "p"), None)
            emptied.getparent().remove(emptied)
            self._fix_comment_at(d, neighbour, _done(d, "（已自动修正，连同这一段）"))
            return True
        if tracked:
            inserted = None
            if replacement:
                inserted = self._insertion(replacement, runs[0])
                runs[-1].addnext(inserted)
            first_mark = None
            for run in runs:
                if run.getparent() in self.ours:  # a replylint 修订 of an earlier round: edited as it stands
                    run.getparent().remove(run)
                    continue
                deletion = self._el("del", id=self._id(), author=self.author, date=self.date)
                run.addprevious(deletion)
                deletion.append(run)
                for t in run.findall(f"{self.w}t"):
                    t.tag = f"{self.w}delText"
                first_mark = first_mark if first_mark is not None else deletion
            if emptied is not None:  # the paragraph mark deleted too: accepting leaves no empty paragraph
                self._delete_mark(emptied)
            self.revisions += 1
            last = inserted if inserted is not None else (first_mark if first_mark is not None else None)
            first_el = first_mark if first_mark is not None else inserted
            self._fix_comment(d, first_el, last, _done(d, "（修订，可接受或拒绝）"))
            return True
        head = nodes[0]
        if replacement:
            if self._local(head) == "t":
                head.text = replacement
                head.set(XML_SPACE, "preserve")
            else:  # a w:tab replaced by text
                t = self._text(replacement)
                head.addprevious(t)
                head.getparent().remove(head)
                nodes[0] = head = t
            keep = nodes[0].getparent()
            self._fix_comment(d, keep, keep, _done(d, "（已自动修正）"))
            for node in nodes[1:]:
                node.getparent().remove(node)
        else:
            self._fix_comment(d, runs[0], runs[0], _done(d, "（已自动修正）"))
            for node in nodes:
                node.getparent().remove(node)
        for run in runs:
            if run.getparent() is not None and all(self._local(c) == "rPr" for c in run):
                run.getparent().remove(run)
        return True

    def _emptied_paragraph(self, entry, start: int, end: int, replacement: str, nodes: list):
        """The body w:p a fix empties (its one line, all its text, nothing drawn in it), else None."""
        if replacement or start != 0 or end != len(entry.text) or entry.count != 1 or not entry.text.strip():
            return None
        paragraph = self._paragraph_of(nodes[0])
        if paragraph is None or self._local(paragraph.getparent()) != "body":
            return None  # a cell or a text box must keep a paragraph
        if any(self._local(e) in ("drawing", "pict", "object", "sectPr", "fldChar", "footnoteReference")
               for e in paragraph.iter()):
            return None
        body_text = [n for n in paragraph.iter(f"{self.w}t", f"{self.w}tab") if n.text or self._local(n) == "tab"]
        if any(n not in nodes for n in body_text):
            return None
        return paragraph

    def _holds_only_text(self, paragraph) -> bool:
        """Whether removing the paragraph takes nothing but its text (no bookmark, no comment range, no field:
        another reviewer's marks must not go with a page number)."""
        for child in paragraph:
            name = self._local(child)
            if name == "r":
                if any(self._local(c) not in _RUN_KEEPS for c in child):
                    return False
            elif name not in ("pPr", "proofErr"):
                return False
        return True

    def _delete_mark(self, paragraph) -> None:
        """Mark a paragraph's mark as a tracked deletion (w:pPr/w:rPr/w:del)."""
        ppr = paragraph.find(f"{self.w}pPr")
        if ppr is None:
            ppr = self._el("pPr")
            paragraph.insert(0, ppr)
        rpr = ppr.find(f"{self.w}rPr")
        if rpr is None:
            rpr = self._el("rPr")
            later = next((c for c in ppr if self._local(c) in ("sectPr", "pPrChange")), None)
            if later is not None:
                later.addprevious(rpr)
            else:
                ppr.append(rpr)
        if rpr.find(f"{self.w}del") is not None:
            return  # deleted already (by another reviewer)
        mark = self._el("del", id=self._id(), author=self.author, date=self.date)
        inserted = rpr.find(f"{self.w}ins")  # CT_ParaRPr: ins, del, moveFrom, moveTo, then the properties
        if inserted is not None:
            inserted.addnext(mark)
        else:
            rpr.insert(0, mark)

    def _fix_comment_at(self, d: Diagnostic, paragraph, done: str) -> None:
        """A fix's comment at the start of ``paragraph`` (the neighbour of a paragraph the fix removed)."""
        if paragraph is None or self._local(paragraph) != "p":
            return
        ppr = paragraph.find(f"{self.w}pPr")
        point = self._el("bookmarkEnd", id="0")  # a placeholder to mark at, removed below
        if ppr is not None:
            ppr.addnext(point)
        else:
            paragraph.insert(0, point)
        self._fix_comment(d, point, point, done)
        point.getparent().remove(point)

    def _insert(self, entry, p: int, replacement: str, d: Diagnostic, tracked: bool) -> bool:
        segments = entry.segments or []
        position, before, after = 0, None, None
        for piece in segments:
            end = position + len(piece)
            if position < p <= end:
                before = (piece, position)
            if position <= p < end and after is None:
                after = (piece, position)
            position = end
        neighbour = before if before is not None and isinstance(before[0], Segment) else after
        if neighbour is None or not isinstance(neighbour[0], Segment) or \
                not self._editable([neighbour[0].node]):
            return False
        piece, start = neighbour
        node = piece.node
        if not tracked and self._local(node) == "t":
            k = piece.offset + p - start
            node.text = node.text[:k] + replacement + node.text[k:]
            node.set(XML_SPACE, "preserve")
            self._fix_comment(d, node.getparent(), node.getparent(), _done(d, "（已自动修正）"))
            return True
        if not tracked:
            return False
        self._split_at(segments, p)
        run = node.getparent()
        inserted = self._insertion(replacement, run)
        if neighbour is before:  # after the text it follows, else before the text it precedes
            run.addnext(inserted)
        else:
            run.addprevious(inserted)
        self.revisions += 1
        self._fix_comment(d, inserted, inserted, _done(d, "（修订，可接受或拒绝）"))
        return True

    def _insertion(self, text: str, like_run):
        """A w:ins by replylint holding one run of ``text`` with the properties of ``like_run``."""
        inserted = self._el("ins", id=self._id(), author=self.author, date=self.date)
        run = self._el("r")
        rpr = like_run.find(f"{self.w}rPr")
        if rpr is not None:
            rpr = copy.deepcopy(rpr)
            for change in rpr.findall(f"{self.w}rPrChange"):
                rpr.remove(change)
            run.append(rpr)
        run.append(self._text(text))
        inserted.append(run)
        self.ours.add(inserted)
        return inserted

    # ---- comments ------------------------------------------------------------------------------------------

    def _fix_comment(self, d: Diagnostic, first, last, done: str) -> None:
        if first is None or last is None or len(self.comments) >= MAX_COMMENTS:
            return
        if d.severity is Severity.INFO and not self.shows_info:
            return  # fixed like the others, but a hidden 提示 gets no comment (as check shows none)
        self._mark(first, last, comment_text(d, done))

    def _mark(self, first, last, paragraphs: list[str]) -> None:
        """A comment on the elements ``first`` … ``last`` (siblings or not: range marks may cross elements)."""
        comment_id = self._id()
        first.addprevious(self._el("commentRangeStart", id=comment_id))
        end = self._el("commentRangeEnd", id=comment_id)
        last.addnext(end)
        reference = self._el("r")
        reference.append(self._el("commentReference", id=comment_id))
        end.addnext(reference)
        self.comments.append((comment_id, paragraphs))

    def comment_findings(self, entries: list, diagnostics: list[Diagnostic], deadline: Deadline) -> None:
        """One comment per finding, on exactly its text in the document as it now stands (a finding over
        several lines from its first character to its last, when those lines are paragraphs side by side)."""
        if not diagnostics or not entries:
            return
        wanted = []  # (finding, its stretch on its first line, and on its last line when that is another)
        room = max(0, MAX_COMMENTS - len(self.comments))
        self.uncommented = max(0, len(diagnostics) - room)
        for d in diagnostics[:room]:
            index = min(max(d.span.line, 1), len(entries)) - 1
            text = entries[index].text
            last = d.span.end_line - 1
            several = d.span.line - 1 == index and index < last < len(entries) and not _points_at_place(d)
            start = d.span.column - 1 if d.span.line - 1 == index else 0
            end = len(text) if several or d.span.end_line != d.span.line or d.span.line - 1 != index \
                else d.span.end_column - 1
            start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
            if end <= start or _points_at_place(d):  # a missing element: the line where it belongs
                start, end = 0, len(text)
            parts = [(index, *self._clip(entries[index].segments or [], start, end))]
            if several:
                tail = max(0, min(d.span.end_column - 1, len(entries[last].text)))
                parts.append((last, *self._clip(entries[last].segments or [], 0, tail)))
            wanted.append((d, parts))
        boundaries: dict[int, set[int]] = {}
        for _, parts in wanted:
            for index, start, end in parts:
                if end > start:
                    boundaries.setdefault(index, set()).update((start, end))
        for index, points in boundaries.items():
            for p in sorted(points, reverse=True):
                self._split_at(entries[index].segments or [], p)
        fresh = self.document.entries(deadline, record=True)
        if len(fresh) != len(entries):  # the text did not change, so neither did the lines: never guess
            return
        for d, parts in wanted:
            paragraphs = comment_text(d)
            anchor = self._anchor(fresh[parts[0][0]], parts[0][1], parts[0][2])
            if anchor is None:
                continue
            first, last, boxed = anchor
            if len(parts) > 1 and not boxed:
                end_anchor = self._anchor(fresh[parts[1][0]], parts[1][1], parts[1][2]) if parts[1][2] > parts[1][1] \
                    else None
                if end_anchor is not None and not end_anchor[2] and self._side_by_side(first, end_anchor[1]):
                    last = end_anchor[1]
            if boxed:
                paragraphs[0] = "（文本框中）" + paragraphs[0]
            self._mark(first, last, paragraphs)

    def _side_by_side(self, first_run, last_run) -> bool:
        """Whether a comment may run from one run to the other: paragraphs of one body, cell or box, in order."""
        a, b = self._paragraph_of(first_run), self._paragraph_of(last_run)
        if a is None or b is None or a.getparent() is not b.getparent():
            return False
        return a.getparent().index(a) <= b.getparent().index(b)

    def _clip(self, segments: list, start: int, end: int) -> tuple[int, int]:
        """The stretch narrowed to text of the document (not a list number or a cell gap), within one w:p."""
        position, spans = 0, []
        for piece in segments:
            high = position + len(piece)
            if isinstance(piece, Segment) and position < end and start < high:
                spans.append((max(position, start), min(high, end), piece))
            position = high
        if not spans:
            return start, start
        paragraph = self._paragraph_of(spans[0][2].node)
        spans = [s for s in spans if self._paragraph_of(s[2].node) is paragraph]
        return spans[0][0], spans[-1][1]

    def _paragraph_of(self, node):
        for ancestor in node.iterancestors():
            if self._local(ancestor) == "p":
                return ancestor
        return None

    def _anchor(self, entry, start: int, end: int):
        """(first run, last run, in a text box) of the stretch; the host run for a stretch in a text box; the
        whole line's text when the stretch is empty."""
        segments = entry.segments or []
        if end <= start:
            start, end = 0, len(entry.text)
        pieces = [p for p in (_pieces(segments, start, end)) if isinstance(p, Segment)]
        if not pieces:
            return None
        first_node, last_node = pieces[0].node, pieces[-1].node
        if self._in_text_box(first_node):
            host = self._host_run(first_node)
            return (host, host, True) if host is not None else None
        first, last = first_node.getparent(), last_node.getparent()
        if self._local(first) != "r" or self._local(last) != "r":
            return None
        return first, last, False


    # ---- the package ---------------------------------------------------------------------------------------

    def _existing_comments(self):
        """(part name, root) of the document's comments part; (name, None) when the relationship names a part
        the package lacks (it is written there, not beside a second relationship); else (None, None)."""
        package, main = self.document.package, self.document.main
        folder, name = posixpath.split(main)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        if not package.has(rels_name):
            return None, None
        rels = package.parse(rels_name)
        for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
            if rel.get("Type", "").endswith("/comments") and rel.get("TargetMode") != "External":
                target = resolve_target(folder, rel.get("Target", ""))
                return target, package.parse(target) if package.has(target) else None
        return None, None

    def _drop_own_comments(self) -> None:
        """A copy annotated before: its replylint 批注 are replaced by this run's (another reviewer's stay)."""
        if self.comments_root is None:
            return
        w = self.w
        own = {c.get(f"{w}id") for c in self.comments_root.findall(f"{w}comment") if c.get(f"{w}author") == self.author}
        if not own:
            return
        # a comment that explains a replylint 修订 still pending stays with it (accepting it ends both)
        open_ids: set = set()
        for element in self.document.root.iter(f"{w}commentRangeStart", f"{w}commentRangeEnd", f"{w}ins", f"{w}del"):
            name = self._local(element)
            if name == "commentRangeStart" and element.get(f"{w}id") in own:
                open_ids.add(element.get(f"{w}id"))
            elif name == "commentRangeEnd":
                open_ids.discard(element.get(f"{w}id"))
            elif element.get(f"{w}author") == self.author:
                own -= open_ids
        if not own:
            return
        for comment in list(self.comments_root.findall(f"{w}comment")):
            if comment.get(f"{w}id") in own:
                self.comments_root.remove(comment)
        self.comments_changed = True
        root = self.document.root
        for name in ("commentRangeStart", "commentRangeEnd"):
            for mark in list(root.iter(f"{w}{name}")):
                if mark.get(f"{w}id") in own:
                    mark.getparent().remove(mark)
        for reference in list(root.iter(f"{w}commentReference")):
            if reference.get(f"{w}id") in own:
                run = reference.getparent()
                run.remove(reference)
                if all(self._local(c) == "rPr" for c in run) and run.getparent() is not None:
                    run.getparent().remove(run)

    def _comments_xml(self):
        from lxml import etree

        root = self.comments_root
        if root is None:
            root = etree.Element(f"{self.w}comments", nsmap={"w": self.ns})
        for comment_id, paragraphs in self.comments:
            comment = self._el("comment", id=comment_id, author=self.author, date=self.date, initials=INITIALS)
            for i, text in enumerate(paragraphs):
                p = self._el("p")
                if i == 0:
                    mark = self._el("r")
                    mark.append(self._el("annotationRef"))
                    p.append(mark)
                run = self._el("r")
                run.append(self._text(text))
                p.append(run)
                comment.append(p)
            root.append(comment)
        return root

    def package(self) -> bytes:
        from lxml import etree

        document = self.document
        zipped = document.package
        folder, name = posixpath.split(document.main)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        changed: dict[str, bytes] = {}

        def xml(root) -> bytes:
            return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

        changed[document.main] = xml(document.root)
        if self.comments or self.comments_changed:
            part = self.comments_part or posixpath.join(folder, "comments.xml")
            changed[part] = xml(self._comments_xml())
            if self.comments_part is None:
                changed[rels_name] = xml(self._relationships(rels_name, posixpath.relpath(part, folder or ".")))
            content_types = self._content_types(part)
            if content_types is not None:
                changed["[Content_Types].xml"] = xml(content_types)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            written = set()
            for member in zipped.names():
                info = zipped.by_name[member]
                data = changed.get(member)
                if data is None:
                    data = zipped.read(info)
                archive.writestr(_info(member, info), data)
                written.add(member)
            for member, data in changed.items():
                if member not in written:
                    archive.writestr(_info(member), data)
        return out.getvalue()

    def _relationships(self, rels_name: str, target: str):
        from lxml import etree

        package = self.document.package
        root = package.parse(rels_name) if package.has(rels_name) else \
            etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
        ids = {rel.get("Id") for rel in root}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        rel = etree.SubElement(root, f"{{{PKG_REL}}}Relationship")
        rel.set("Id", f"rId{n}")
        rel.set("Type", COMMENTS_REL.get(self.ns, COMMENTS_REL["http://schemas.openxmlformats.org/wordprocessingml/2006/main"]))
        rel.set("Target", target)
        return root

    def _content_types(self, part: str):
        from lxml import etree

        package = self.document.package
        if not package.has("[Content_Types].xml"):
            raise SourceError(f"{WHAT}缺少 [Content_Types].xml，文件不完整")
        root = package.parse("[Content_Types].xml")
        name = "/" + part
        for override in root.iter(f"{{{CT_NS}}}Override"):
            if override.get("PartName", "").lower() == name.lower():
                if override.get("ContentType") == COMMENTS_CONTENT_TYPE:
                    return None  # as it was: the part is copied byte for byte
                override.set("ContentType", COMMENTS_CONTENT_TYPE)
                return root
        override = etree.SubElement(root, f"{{{CT_NS}}}Override")
        override.set("PartName", name)
        override.set("ContentType", COMMENTS_CONTENT_TYPE)
        return root


def _info(member: str, like: zipfile.ZipInfo | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(member, date_time=like.date_time if like is not None else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = like.external_attr if like is not None else 0o600 << 16
    return info


__all__ = ["MODES", "AnnotateError", "AnnotateResult", "annotate_bytes", "annotate_docx", "comment_text", "default_output"]
