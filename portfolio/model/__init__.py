"""Pydantic models: the input formats of SPEC §3–§4 and the results of §6–§7."""
