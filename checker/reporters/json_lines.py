"""``--format json-lines``: one JSON object per checked file, one per line (streamable, ``jq -c``-friendly).

Each line is exactly a member of the ``files`` array of ``--format json`` (the same keys), so a consumer
of one reads the other; the tool and schema version are on every line, since lines travel alone.
"""

from __future__ import annotations

import json

from . import OutputContext, register
from .json_format import file_to_dict, header


def render_json_lines(report, context: OutputContext) -> str:
    lines = []
    for result in report.files:
        record = header() | file_to_dict(result)
        lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    return "".join(line + "\n" for line in lines)


register("json-lines", render_json_lines)
