"""Where a request field is written in the file it was read from.

The request reader locates a semantic error (an unknown act, a misspelt field, a bad number) by
the field's JSON path (`use.acts[0]`), since it reads decoded data. A request or lineage file is
text a person edits: the error is then moved to `file:line:col` of that field, the path kept
after it, so that an editor or CI log jumps to it.

>>> from reasoner.errors import RequestError
>>> at_line(RequestError("unknown act `hots`", location="use.acts[0]"),
...         '{"artifacts": [{"id": "mit"}],\\n "use": {"acts": ["hots"]}}', "r.json").location
'r.json:2:19: use.acts[0]'
"""

from __future__ import annotations

import json
import re

from .errors import CanIError

# A JSON path as the request reader writes locations: `use.acts[0]`, `artifacts[2].derived_from[0].id`.
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\[\d+\])*(?:\.[A-Za-z_][A-Za-z0-9_-]*(?:\[\d+\])*)*")
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_SPACE = re.compile(r"[ \t\n\r]*")

def at_line(exc: CanIError, text: str, source: str, yaml: bool = False) -> CanIError:
    """`exc` located at `source:line:col` of the field its JSON path names in `text` (JSON, or
    YAML with `yaml`), the path kept after it; `exc` itself when its location is no JSON path
    (a file, a profile's key). A path that goes further than the text (a required field left
    out) is located at the deepest part the text has."""
    path = exc.location or ""
    if path.startswith(f"{source}: "):   # a lineage file's errors: `FILE: artifacts[0].license`
        path = path[len(source) + 2:]
    if not _PATH.fullmatch(path):
        return exc
    parts = [key if key else int(index) for key, index in _PART.findall(path)]
    try:
        offset = _yaml_at(text, parts) if yaml else _json_at(text, parts)
    except Exception:  # noqa: BLE001 - a position is a help: the error with its path stands without it
        return exc
    if offset is None:
        return exc
    line, column = offset
    return type(exc)(exc.message, location=f"{source}:{line}:{column}: {path}")


def _json_at(text: str, parts: list) -> tuple[int, int] | None:
    """(line, column) of the field: a member's key, a list's item; text already decoded once."""
    if text.startswith("\ufeff"):
        text = text[1:]
    decoder = json.JSONDecoder()
    at = _SPACE.match(text, 0).end()
    found = None   # not a path of this text (a file's name, `q.json`) until its first part is found
    for part in parts:
        if isinstance(part, str):
            if text[at:at + 1] != "{":
                break
            at = _SPACE.match(text, at + 1).end()
            hit = None
            while text[at:at + 1] == '"':
                key_at = at
                key, at = json.decoder.scanstring(text, at + 1)
                at = _SPACE.match(text, _SPACE.match(text, at).end() + 1).end()   # past the colon
                if key == part:
                    hit = key_at
                    break
                _, at = decoder.raw_decode(text, at)
                at = _SPACE.match(text, at).end()
                if text[at:at + 1] == ",":
                    at = _SPACE.match(text, at + 1).end()
            if hit is None:
                break
            found = hit
        else:
            if text[at:at + 1] != "[":
                break
            at = _SPACE.match(text, at + 1).end()
            for _ in range(part):
                if text[at:at + 1] in ("]", ""):
                    break
                _, at = decoder.raw_decode(text, at)
                at = _SPACE.match(text, at).end()
                if text[at:at + 1] == ",":
                    at = _SPACE.match(text, at + 1).end()
            if text[at:at + 1] in ("]", ""):
                break
            found = at
    if found is None:
        return None
    before = text[:found]
    return before.count("\n") + 1, found - before.rfind("\n")


def _yaml_at(text: str, parts: list) -> tuple[int, int] | None:
    """(line, column) of the field in YAML: a mapping's key, a sequence's item."""
    import yaml

    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is None:
        return None
    mark = None   # as in _json_at
    for part in parts:
        if isinstance(part, str) and isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
            if pair is None:
                break
            mark, node = pair[0].start_mark, pair[1]
        elif isinstance(part, int) and isinstance(node, yaml.SequenceNode) and part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return None if mark is None else (mark.line + 1, mark.column + 1)
