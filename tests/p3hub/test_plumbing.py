"""p3hub/ is plumbing that knows no tenancy (DESIGN.md 7): it imports nothing from the apps and
looks up no app model by label, except the two references back DESIGN.md 7 allows: the root
URL configuration, and the tenant of the audit log (its events' and its chains' foreign key to
the municipality, by label; outbound e-mail refers to its tenant the same way)."""

import ast
from pathlib import Path

P3HUB = Path(__file__).resolve().parents[2] / "p3hub"
APPS = {"departments", "vendors", "procurements", "contracts"}
ROOT_URLCONF = P3HUB / "urls.py"
TENANT_LABEL = "departments.Municipality"


def _modules():
    for path in sorted(P3HUB.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text())


def _imported_apps(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & APPS


def _model_lookups(tree: ast.AST) -> list[str]:
    """get_model calls, and app model labels ("app.Model") given to relation fields."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name == "get_model":
            found.append("get_model")
        if name in {"ForeignKey", "OneToOneField", "ManyToManyField"}:
            labels = [a.value for a in node.args if isinstance(a, ast.Constant)]
            labels += [k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)]
            found += [label for label in labels if str(label).split(".")[0] in APPS]
    return found


def test_p3hub_imports_no_app_but_in_the_root_url_configuration():
    offenders = {
        str(path.relative_to(P3HUB)): sorted(apps)
        for path, tree in _modules()
        if (apps := _imported_apps(tree)) and path != ROOT_URLCONF
    }
    assert offenders == {}


def test_p3hub_looks_up_no_app_model_but_the_tenant_of_its_records():
    lookups = {
        str(path.relative_to(P3HUB)): found
        for path, tree in _modules()
        if (found := _model_lookups(tree))
    }
    # AuditChain, AuditEvent, OutboundEmail and AuditCheckpoint point at their tenant;
    # nothing else does.
    assert lookups == {"models.py": [TENANT_LABEL] * 4}


def test_the_scans_would_catch_an_import_or_a_lookup():
    planted = ast.parse(
        "from departments.models import Membership\n"
        "import procurements.services\n"
        "apps.get_model('departments', 'Membership')\n"
        "models.ForeignKey('vendors.Vendor', on_delete=None)\n"
    )
    assert _imported_apps(planted) == {"departments", "procurements"}
    assert _model_lookups(planted) == ["get_model", "vendors.Vendor"]
