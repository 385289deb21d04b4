"""The application layer: what a user can do, as functions over a workspace folder.

Both front ends (the `portfolio` command and the web interface) call these functions and only
present what they return: every rule, check and French sentence is built here or below, never in
a front end. Functions raise `PortfolioError` (with the located issues that explain it) when a
request cannot be met, and return values otherwise.
"""
