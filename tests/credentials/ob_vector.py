"""1EdTech's eddsa-rdfc-2022 test vector for Open Badges 3.0, read from its vendored page
(`data/linked-data-proof-ob.html`, see `data/README.md`) rather than retyped."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
VECTOR_PAGE = (DATA / "linked-data-proof-ob.html").read_text(encoding="utf-8")


def vector_example(title: str) -> dict[str, Any]:
    """The JSON of one `<pre … title="…">` example of the vector's page, parsed as published."""
    found = re.search(rf'title="{re.escape(title)}">(.*?)</pre', VECTOR_PAGE, re.DOTALL)
    assert found, title
    return json.loads(found.group(1))


def vector_code(heading: str) -> str:
    """The `<code>` value under a heading of the vector's page (keys, hashes, proof value)."""
    found = re.search(
        rf">{re.escape(heading)}</h3>\s*<code\s*>([^<]+?)</code", VECTOR_PAGE, re.DOTALL
    )
    assert found, heading
    return found.group(1).strip()


def vector_item(label: str) -> str:
    """A `<li>` value of the vector's key pair: « Public key (hex) », « Private key (hex) »."""
    found = re.search(rf"{re.escape(label)}:\s*<code\s*>([0-9a-f]+)</code", VECTOR_PAGE)
    assert found, label
    return found.group(1)
