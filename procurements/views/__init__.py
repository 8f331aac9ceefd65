"""HTML pages of solicitations: the public list and detail (no login), the staff workspace, the
heads' approval inbox. Thin: parse with a form, call one service or selector, render.

A solicitation's workspace is one page holding many small forms. Each form posts to its own URL
(a SolicitationActionView); a refusal re-renders the whole page with that form's errors and
what was typed, at the error's status, and success redirects back to the form's section.

The modules: base (shared presentation helpers and the filtered list), public (no login), manage
(the workspace and SolicitationActionView), actions (the workspace's form views), approvals (the
inbox and decisions). The home page and the dashboard get their solicitation panels from
procurements.panels.
"""
