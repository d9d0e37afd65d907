"""The names of the output formats, importable without loading any reporter (the CLI lists them)."""

# terminal formats drawn with rich, then the machine formats and the reporters/ module of each
TERMINAL_FORMATS = ("full", "concise")
MACHINE_FORMATS = {"json": "json_format", "json-lines": "json_lines", "sarif": "sarif", "github": "github",
                   "junit": "junit"}
FORMATS = (*TERMINAL_FORMATS, *MACHINE_FORMATS)

# The words every output uses for the severities (keys are the values of model.Severity, a str enum)
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
