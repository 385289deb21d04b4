"""Rendering stage: view models → Jinja2 HTML → PDF (SPEC §10), home of every document: the
worker's dossier and portfolio (`documents`, `views/`), the tutor's grid (`grid`), the coverage and
programme report with their charts (`federation`, `charts`) and the index of a build
(`views/index`).

`environment.jinja_environment()` gives the one template environment (autoescaped, strict, with
French filters); `pdf.html_to_pdf()` turns its HTML into a PDF with the restricted URL fetcher of
`fetcher.py`, so that nothing outside the package's template assets is ever read.
"""
