"""The one API: each app mounts its own router (register_router, from its
AppConfig.ready()); the core's error handlers and JSON-only URLs serve every router."""

from ninja import NinjaAPI, Router

from servicedesk import api as platform_api


def test_an_apps_router_is_mounted_under_the_one_api(monkeypatch):
    fresh = NinjaAPI(urls_namespace="registry-test")
    monkeypatch.setattr(platform_api, "api", fresh)
    router = Router(tags=["problems"])

    @router.get("/problems")
    def list_problems(request):
        return []

    platform_api.register_router("", router)
    # The API's own URL patterns (the schema would resolve the root URLconf, which must
    # not load while the platform's API is swapped for this one).
    assert "problems" in [str(pattern.pattern) for pattern in fresh.urls[0]]


def test_incidents_registers_its_routers_with_the_platform(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/alerts", "/api/v1/tickets", "/api/v1/tickets/{number}"} <= set(schema["paths"])
    assert schema["info"]["title"] == "Service desk API"


def test_anything_else_under_the_api_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}
