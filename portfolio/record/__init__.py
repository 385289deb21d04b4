"""Recording stage: new worker files and new entries in existing ones, without editing YAML
(SPEC §9 `worker new`, `log …`, `import timesheet`).

An entry is built (`entries.py`), spliced into the worker file's text with every other byte kept
(`yamltext.py`), and the updated text is judged by the rules of `portfolio check` before anything
is written (`changes.py`). `portfolio.app.recording` puts these steps together for both front
ends; see docs.md.
"""
