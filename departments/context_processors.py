def tenant(request):
    """Expose the request's TenantActor (set by tenant views) to every template."""
    return {"tenant_actor": getattr(request, "tenant_actor", None)}
