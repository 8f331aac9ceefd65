"""HTML pages of the tenant (`pages`, `audit`) and the bases every app's pages build on
(`base`: one request context, one form loop, the panels apps add to the home page and the
dashboard)."""
