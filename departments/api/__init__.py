"""REST API of municipalities' departments, people's roles in them, and the caller's own roles
(one module per resource; `base` is the one base every tenant endpoint of every app uses)."""
