"""replylint: a rule-based compliance checker for Chinese government reply letters (建议/提案 答复函).

The public API::

    from checker import check_text, check_path
    result = check_text(open("letter.txt", encoding="utf-8").read())
    for d in result.diagnostics:
        print(d.span.line, d.rule, d.message)

``check_path`` takes a file or a directory and returns a ``Report`` with the same data as
``replylint check --format json``. ``fix_text(text)`` returns ``(fixed_text, applied)``: the letter with
its safe fixes applied (``unsafe=True`` adds the others), as ``replylint check --fix`` does for a file.
``annotate_docx(path, out=None, mode="comments")`` writes a reviewed copy of a Word letter with a 批注 per
finding (``mode="track-changes"``: safe fixes as 修订; ``"apply-fixes"``: made outright), as
``replylint annotate`` does; it returns an ``AnnotateResult`` and raises ``AnnotateError``.
"""

__version__ = "0.1.0"

# Loaded on first use (PEP 562): `replylint --version` and the audit of an unchanged archive need none of it.
_EXPORTS = {
    "check_text": "api", "check_path": "api", "check_paths": "api", "check_file": "api", "fix_text": "api",
    "annotate_docx": "annotate", "AnnotateError": "annotate", "AnnotateResult": "annotate",
    "Letter": "model", "Diagnostic": "model", "FileResult": "model", "Report": "model", "Kind": "model",
    "Severity": "model", "Span": "model",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'checker' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
