"""Shared building blocks of the input models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

RNCP_BLOCK_PATTERN = r"^RNCP\d+BC\d+$"
RncpBlockCode = Annotated[str, StringConstraints(pattern=RNCP_BLOCK_PATTERN)]
"""A block of competencies as France Compétences numbers it (`RNCP37715BC01`): the key other
systems join on, so a référentiel block, `assess --json` and a credential all carry it as is."""


class InputModel(BaseModel):
    """Base of every hand-written file's model.

    `extra="forbid"` turns a misspelt key into a located error instead of silently ignoring it;
    numbers are accepted where text is expected so that `code: 123` is not an error; `nan`,
    `inf` or `1e400` hours are refused, as every comparison with them (hours ≤ 0…) is false.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, coerce_numbers_to_str=True, allow_inf_nan=False
    )
