"""What every HTML page replylint writes shares: the escaping of untrusted text, the Content-Security-Policy
and the font stack. Used by the audit report (``audit/html.py``) and by ``check --format html``
(``reporters/html.py``); a module of its own so that neither loads the other's package (the audit's store,
the reporters' rich).

Every page is one self-contained file: its CSS and script inline, no font, image or script from anywhere, and
a policy that forbids every other source, so a page opened from a letter archive asks the network for nothing.
"""

from __future__ import annotations

import html
import re

# controls, and lone surrogates (no UTF-8 encoder takes them: a broken font map in a PDF can yield one)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SPECIAL = re.compile(r"[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

# should a lone surrogate pass ``esc`` after all: the page stays valid UTF-8
NEVER_INVALID = "backslashreplace"

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")

# the reader's own fonts: the common CJK faces of Windows, macOS and Linux desktops, then any sans-serif
FONTS = ('"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "微软雅黑", "Noto Sans CJK SC", "Noto Sans SC", '
         '"Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Heiti SC", '
         '"SimHei", "SimSun", sans-serif')


def esc(value) -> str:
    """Text or attribute value, escaped (quotes too); control characters and lone surrogates shown as U+FFFD."""
    if value is None:
        return ""
    text = str(value)
    if _SPECIAL.search(text) is None:  # most values: nothing to escape
        return text
    return html.escape(_CONTROL.sub("\ufffd", text), quote=True)


def page_head(title: str, css: str) -> str:
    """``<!DOCTYPE html>`` to ``<body>``: zh-CN, UTF-8, the policy, no referrer, ``title`` (escaped here)
    and the page's inline ``css``."""
    return "".join([
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{esc(title)}</title><style>{css}</style></head><body>",
    ])


__all__ = ["esc", "page_head", "CSP", "FONTS", "NEVER_INVALID"]
