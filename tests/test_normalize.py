"""Stage 2: clean-up that keeps a map back to the original line and column."""

from checker.parser.normalize import normalize


def test_markdown_marks_are_removed_and_columns_still_point_at_the_source():
    lines, artifacts = normalize(["## 一、基本情况", "**（一）推行物业管理。**对具备条件的小区，选聘物业。"])
    assert [l.text for l in lines] == ["一、基本情况", "（一）推行物业管理。对具备条件的小区，选聘物业。"]
    heading, bold = lines
    assert heading.column(0) == 4  # "一" sits after "## "
    # "对" follows the closing ** in the source: text offset 10, source column 15
    offset = bold.text.index("对")
    assert bold.raw[bold.column(offset) - 1] == "对"
    assert sum(1 for a in artifacts if a.kind == "markdown") == 3


def test_lone_page_numbers_are_dropped_and_counted_as_blank():
    lines, artifacts = normalize(["第一段没有结束，根据国", "", "40", "", "- 3 -", "— 4 —", "第5页", "务院要求。"])
    assert [l.text for l in lines] == ["第一段没有结束，根据国", "务院要求。"]
    assert lines[1].blank_before == 6
    assert [a.text for a in artifacts if a.kind == "page-number"] == ["40", "- 3 -", "— 4 —", "第5页"]


def test_whitespace_is_stripped_but_reported_except_fullwidth_indent():
    lines, artifacts = normalize(["\t昆明市某局", "  2019年6月17日  ", "\u3000\u3000正文首行缩进。", " "])
    assert [l.text for l in lines] == ["昆明市某局", "2019年6月17日", "正文首行缩进。"]
    kinds = sorted((a.kind, a.span.line) for a in artifacts)
    assert kinds == [("leading-whitespace", 1), ("leading-whitespace", 2), ("trailing-whitespace", 2),
                     ("trailing-whitespace", 4)]
    assert lines[1].column(0) == 3
