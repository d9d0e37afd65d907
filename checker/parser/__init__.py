"""Stage 3, parse: a letter's source lines → the typed ``Letter`` model and the parser's own findings.

The stage's modules, in the order the data flows through them:

* ``normalize``  clean lines that remember where each character came from (markdown, page numbers removed)
* ``publication``  the lines a publishing system wrapped around the letter (portal titles, metadata tables)
* ``lexer``      one token per line, typed by what the line is, then renamed by the zone it stands in
* ``build``      the Lark LALR parse over those tokens (grammar/letter.lark) and the model built from it
* ``elements``   one token → the model element it stands for (values normalized, spans exact)
* ``kind``       人大建议 or 政协提案, reply or co-handling letter, decided from the letter's frame
* ``structure``  the parser's findings (unrecognised text, misplaced and duplicated elements)
* ``patterns``   the regular expressions all of them share, compiled once, each linear in its input
"""

__all__ = ["LetterTooLarge", "ParseResult", "parse_lines"]


def __getattr__(name: str):
    """``parse_lines`` and its types load the grammar's module (and Lark) on first use only: the rule engine
    imports ``patterns`` and ``structure`` from this package, and ``replylint rules`` needs no parser."""
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
