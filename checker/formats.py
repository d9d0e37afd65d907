"""The names of the output formats, importable without loading any reporter (the CLI lists them)."""

# terminal formats drawn with rich, then the machine formats and the reporters/ module of each, then the
# documents a person opens (a page in a browser, printable), each with its module too
TERMINAL_FORMATS = ("full", "concise")
MACHINE_FORMATS = {"json": "json_format", "json-lines": "json_lines", "sarif": "sarif", "github": "github",
                   "junit": "junit"}
DOCUMENT_FORMATS = {"html": "html"}
FORMATS = (*TERMINAL_FORMATS, *MACHINE_FORMATS, *DOCUMENT_FORMATS)

# The words every output uses for the severities (keys are the values of model.Severity, a str enum)
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
