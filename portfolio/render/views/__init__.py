"""Plain view models for the printed documents (SPEC §10).

Pure functions from the loaded workspace, a worker, their assessment and plan to frozen
dataclasses holding only text, numbers and dates: every choice (which placements illustrate a
block, how a result is worded) is made here, so that templates only loop and print. `common`
holds what the documents share, `dossier` and `portfolio` the worker's two documents, `index`
the page that links every document of a build.
"""
