"""Adding an entry to a worker file's text, leaving every other byte as it was (SPEC §9 `log`).

Counselors record placements, observations and trainings week by week; the worker file stays the
reference they (or a colleague) may still read and edit by hand. So an addition must leave every
byte it does not touch as it was: comments, blank lines, quoting, flow mappings spread over two
lines. A full ruamel.yaml round trip does not guarantee that (it reflows flow mappings, re-indents
sequences and attaches a trailing comment to the last item, so that the new item lands after the
next section's heading). Here ruamel.yaml locates the list in the file and writes the new entry's
text, which is spliced in just after the list's last item: the rest of the file is untouched.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML, YAMLError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from portfolio.french import InputError

SECTIONS = ("placements", "observations", "trainings")

# Plain words that a YAML 1.1 reader (PyYAML, many other tools) would read as booleans.
_YAML11_WORDS = re.compile(r"^(y|n|yes|no|on|off)$", re.IGNORECASE)
_DEFAULT_DASH_COLUMN = 2


def _yaml() -> YAML:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # one entry per line in flow style, as counselors write them
    # The same date object as start and end must not become an anchor and an alias (&id001).
    yaml.representer.ignore_aliases = lambda _data: True
    return yaml


def _scalar(value: Any) -> Any:
    if isinstance(value, str) and _YAML11_WORDS.match(value):
        return SingleQuotedScalarString(value)
    return value


def _commented(value: Any, *, flow_below: int, depth: int = 0) -> Any:
    """ruamel.yaml containers: block style above `flow_below` levels, flow style from there on."""
    if isinstance(value, Mapping):
        result: Any = CommentedMap(
            (k, _commented(v, flow_below=flow_below, depth=depth + 1)) for k, v in value.items()
        )
    elif isinstance(value, list):
        result = CommentedSeq(_commented(v, flow_below=flow_below, depth=depth + 1) for v in value)
    else:
        return _scalar(value)
    if depth >= flow_below:
        result.fa.set_flow_style()
    else:
        result.fa.set_block_style()
    return result


def _dump(data: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def mapping_text(data: Mapping[str, Any]) -> str:
    """A new file's text: one field per line, nested values in flow style (SPEC §4 layout)."""
    return _dump(_commented(data, flow_below=1))


def _entry_lines(entry: Mapping[str, Any], *, flow: bool) -> list[str]:
    """The entry's YAML lines at column 0. Tasks with hours and clients stay on one line."""
    if flow:
        return _dump(_commented(entry, flow_below=0)).splitlines()
    block = _commented(entry, flow_below=1)
    if "tasks" in block:
        # A task list stays a block sequence; its {task:, hours:} items are flow mappings.
        tasks = CommentedSeq(_commented(t, flow_below=0) for t in entry["tasks"])
        tasks.fa.set_block_style()
        block["tasks"] = tasks
    return _dump(block).splitlines()


@dataclass(frozen=True)
class _ListSpot:
    """Where and how to add an item to a section of the file."""

    index: int  # character offset where the new text goes
    dash_column: int
    content_column: int
    flow_items: bool  # the existing items are flow mappings: write the new one the same way
    inline: bool = False  # a non-empty flow sequence [a, b]: add ", new" after its last item
    remove: tuple[int, int] | None = None  # an empty `[]` or `~` to remove first


def append_entry(text: str, section: str, entry: Mapping[str, Any]) -> str:
    """The file text with `entry` added at the end of the list `section` (SPEC §4).

    Only the new entry's lines are inserted (and an empty `[]` or `~` they replace is removed):
    every other byte of the file stays as it was, including comments, BOM and line endings.
    """
    source = _Source.read(text, section, "complété", "ajoutez l'entrée à la main")
    body = source.body
    spot = _find_spot(body, source.root, section)
    if spot is None:
        tail = "" if body.endswith("\n") or not body else "\n"
        lines = [f"{section}:", *_item_lines(entry, _DEFAULT_DASH_COLUMN, 4, flow=False)]
        updated = body + tail + "\n".join(lines) + "\n"
    else:
        updated = _insert(body, spot, entry)
    return source.written(updated)


@dataclass(frozen=True)
class _Source:
    """A worker file's text as ruamel.yaml reads it: without its byte-order mark and with `\\n`
    line endings, both put back by `written`."""

    bom: str
    newline: str
    body: str
    root: MappingNode

    @classmethod
    def read(cls, text: str, section: str, done: str, by_hand: str) -> _Source:
        """`done` and `by_hand` say, in the refusal of a file ruamel.yaml cannot read, what could
        not be done to it and how to do it instead."""
        if section not in SECTIONS:
            raise ValueError(f"unknown section {section!r}")
        body = text.removeprefix("\ufeff").replace("\r\n", "\n")
        try:
            root = _yaml().compose(body)
        except YAMLError as exc:  # read by `portfolio check`, but not by ruamel.yaml (YAML 1.2)
            raise InputError(
                f"le fichier ne peut pas être {done} automatiquement "
                f"({exc.__class__.__name__}) : {by_hand}"
            ) from None
        if not isinstance(root, MappingNode) or root.flow_style:
            raise InputError("le fichier du salarié doit être une table de champs « clé: valeur »")
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        return cls(bom, "\r\n" if "\r\n" in text else "\n", body, root)

    def written(self, body: str) -> str:
        return self.bom + body.replace("\n", self.newline)


def _find_spot(body: str, root: MappingNode, section: str) -> _ListSpot | None:
    for key, value in root.value:
        if not (isinstance(key, ScalarNode) and key.value == section):
            continue
        if isinstance(value, SequenceNode) and value.value and value.flow_style:
            return _ListSpot(_node_end(body, value.value[-1]), 0, 0, flow_items=True, inline=True)
        if isinstance(value, SequenceNode) and value.value:
            first, last = value.value[0], value.value[-1]
            dash = value.start_mark.column
            content = first.start_mark.column if first.start_mark.column > dash else dash + 2
            flow = isinstance(last, MappingNode) and bool(last.flow_style)
            return _ListSpot(_line_end(body, _node_end(body, last)), dash, content, flow)
        if _is_empty(value):
            dash = key.start_mark.column + _DEFAULT_DASH_COLUMN
            removal = (value.start_mark.index, value.end_mark.index)
            return _ListSpot(key.end_mark.index, dash, dash + 2, False, remove=removal)
        raise InputError(
            f"« {section} » doit être une liste (lignes commençant par « - ») : "
            "corrigez le fichier du salarié avant d'y ajouter quoi que ce soit"
        )
    return None


def _is_empty(node: Node) -> bool:
    if isinstance(node, SequenceNode):
        return not node.value
    return isinstance(node, ScalarNode) and node.tag.endswith(":null")


def _node_end(body: str, node: Node) -> int:
    """Offset just after the last character of a node's own text (not the comments after it)."""
    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        key, value = node.value[-1]
        # An empty value (`tutor:`) is marked where the next token starts, maybe lines below.
        empty = isinstance(value, ScalarNode) and value.value == "" and not value.style
        return _node_end(body, key if empty else value)
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return _node_end(body, node.value[-1])
    # A block scalar's end mark lies after the blank and comment lines that follow it.
    return len(body[: node.end_mark.index].rstrip())


def _line_end(body: str, index: int) -> int:
    """Offset of the start of the line after the one holding `index` (its comment included)."""
    found = body.find("\n", index)
    return len(body) if found < 0 else found + 1


def _item_lines(
    entry: Mapping[str, Any], dash_column: int, content_column: int, *, flow: bool
) -> list[str]:
    lines = _entry_lines(entry, flow=flow)
    first = " " * dash_column + "-" + " " * (content_column - dash_column - 1) + lines[0]
    return [first, *(" " * content_column + line if line else line for line in lines[1:])]


def _insert(body: str, spot: _ListSpot, entry: Mapping[str, Any]) -> str:
    if spot.inline:
        flow = " ".join(_entry_lines(entry, flow=True))
        return body[: spot.index] + ", " + flow + body[spot.index :]
    index = spot.index
    if spot.remove is not None:
        start, end = spot.remove
        if end > start:
            rest_of_line = body[end:].split("\n", 1)[0]
            keep = body[:start] if rest_of_line.strip() else body[:start].rstrip(" ")
            body = keep + body[end:]
        # `spot.index` is the end of the section's key, before the removed text.
        index = _line_end(body, index)
    prefix = "" if index == 0 or body[index - 1] == "\n" else "\n"
    lines = _item_lines(entry, spot.dash_column, spot.content_column, flow=spot.flow_items)
    return body[:index] + prefix + "\n".join(lines) + "\n" + body[index:]


# --- editing and deleting an entry --------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """An entry of a section as it stands in the file."""

    key: ScalarNode
    sequence: SequenceNode
    position: int
    node: Node

    @property
    def start(self) -> int:
        return self.node.start_mark.index


def _item(source: _Source, section: str, index: int) -> _Item:
    """The entry `index` (from 0) of the list `section`, or a French refusal."""
    for key, value in source.root.value:
        if not (isinstance(key, ScalarNode) and key.value == section):
            continue
        if isinstance(value, SequenceNode):
            if 0 <= index < len(value.value):
                return _Item(key, value, index, value.value[index])
            break
        if _is_empty(value):
            break
        raise InputError(
            f"« {section} » doit être une liste (lignes commençant par « - ») : "
            "corrigez le fichier du salarié"
        )
    raise InputError(
        f"l'entrée n° {index + 1} de « {section} » n'existe pas (ou plus) dans le fichier : "
        "rechargez la page du salarié"
    )


def replace_entry(text: str, section: str, index: int, entry: Mapping[str, Any]) -> str:
    """The file text with the entry `index` (from 0) of the list `section` replaced by `entry`.

    Only the entry's own text changes, written in the style it had (a one-line flow mapping, or
    one field per line): every other byte of the file stays as it was, including the comments
    around the entry, the byte-order mark and the line endings. Comments inside the replaced
    entry go with it."""
    source = _Source.read(text, section, "modifié", "modifiez l'entrée à la main")
    body = source.body
    item = _item(source, section, index)
    end = _node_end(body, item.node)
    if item.sequence.flow_style or (isinstance(item.node, MappingNode) and item.node.flow_style):
        written = " ".join(_entry_lines(entry, flow=True))
    else:
        indent = "\n" + " " * item.node.start_mark.column
        written = indent.join(_entry_lines(entry, flow=False))
    return source.written(body[: item.start] + written + body[end:])


def remove_entry(text: str, section: str, index: int) -> str:
    """The file text without the entry `index` (from 0) of the list `section`.

    The entry's lines go (with the comment on its last line); every other byte stays as it was.
    Removing the last entry leaves `section: []`, so that the file still says the list is
    empty."""
    source = _Source.read(text, section, "modifié", "supprimez l'entrée à la main")
    body = source.body
    item = _item(source, section, index)
    items = item.sequence.value
    if item.sequence.flow_style:
        if item.position + 1 < len(items):
            start, end = item.start, items[item.position + 1].start_mark.index
        elif item.position > 0:
            start, end = _node_end(body, items[item.position - 1]), _node_end(body, item.node)
        else:
            start, end = item.start, _node_end(body, item.node)
        return source.written(body[:start] + body[end:])
    start = _dash_line_start(body, item)
    end = _line_end(body, _node_end(body, item.node))
    updated = body[:start] + body[end:]
    if len(items) == 1:
        colon = body.index(":", item.key.end_mark.index) + 1
        updated = updated[:colon] + " []" + updated[colon:]
    return source.written(updated)


def _dash_line_start(body: str, item: _Item) -> int:
    """Offset of the start of the line holding the entry's dash: the entry's own line, or a line
    above it when the entry starts below its dash (`-` alone, or followed by a comment)."""
    column = item.sequence.start_mark.column
    line_start = body.rfind("\n", 0, item.start) + 1
    while line_start > 0:
        line = body[line_start : _line_end(body, line_start)].rstrip("\n")
        if line[:column].strip() == "" and line[column : column + 2] in {"-", "- "}:
            return line_start
        line_start = body.rfind("\n", 0, line_start - 1) + 1
    return line_start
