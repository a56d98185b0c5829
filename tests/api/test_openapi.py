"""The OpenAPI document reads well in generated clients (servicedesk/api_schema.py): short
unique operation ids, one named enum per set of choices, every error answer declared
with the platform's ErrorOut body, no component that nothing uses."""

import json
import re

import pytest
from django.urls import reverse

from servicedesk.api import api

ERROR_OUT = {"$ref": "#/components/schemas/ErrorOut"}
#: Operation ids integrations' generated clients call: renaming one breaks them.
PUBLISHED_IDS = {
    "post_alert",
    "list_tickets",
    "get_ticket",
    "create_ticket",
    "comment_ticket",
    "list_problems",
    "get_problem",
    "link_incident",
    "list_changes",
    "get_change",
}


@pytest.fixture(scope="module")
def schema():
    """As /api/v1/openapi.json serves it (JSON: the answers' statuses are strings)."""
    reverse("api:api-root")  # loads the URLconf, which mounts every app's router
    return json.loads(json.dumps(api.get_openapi_schema()))


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def walk(node, where=""):
    """Every dict in the document, with where it is."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}/{index}")


def test_operation_ids_are_short_unique_names_not_module_paths(schema):
    ids = [operation["operationId"] for _, operation in operations(schema)]
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+){0,3}", operation_id), operation_id
        assert len(operation_id) <= 30, operation_id
        assert "_api_" not in operation_id, operation_id
    assert set(ids) >= PUBLISHED_IDS


def test_every_enum_is_one_named_component(schema):
    components = schema["components"]["schemas"]
    inline = [
        where
        for where, node in walk(schema)
        if "enum" in node and not re.fullmatch(r"/components/schemas/\w+", where)
    ]
    assert inline == []
    for name, component in components.items():
        assert component.get("title", name) == name
    # The ticket status is one type, whether answered or asked for in a list's filter.
    parameters = schema["paths"]["/api/v1/tickets"]["get"]["parameters"]
    (status,) = [p for p in parameters if p["name"] == "status"]
    assert status["schema"]["items"] == {"$ref": "#/components/schemas/Status"}
    assert components["TicketOut"]["properties"]["status"] == {
        "$ref": "#/components/schemas/Status"
    }


def test_every_component_is_used(schema):
    components = schema["components"]["schemas"]
    referenced = {
        node["$ref"].rsplit("/", 1)[-1]
        for where, node in walk(schema)
        if isinstance(node.get("$ref"), str)
    }
    assert set(components) == referenced
    assert "TicketFilters" not in components


def test_every_operation_declares_the_error_answers_the_platform_gives(schema):
    for name, operation in operations(schema):
        answers = operation["responses"]
        expected = {"405", "500", "503"}
        if operation.get("security"):
            expected.add("401")
        if "requestBody" in operation:
            expected |= {"400", "413"}
        if any(p["in"] != "path" for p in operation["parameters"]):
            expected.add("400")
        expected.add("429")  # every router is rate-limited (per token or alert source)
        assert expected <= set(answers), name
        assert "422" not in answers, name  # invalid input is a 400
        for status, answer in answers.items():
            if status.startswith(("4", "5")):
                assert answer["content"]["application/json"]["schema"] == ERROR_OUT, (name, status)
                assert answer["description"], (name, status)
    assert "Retry-After" in schema["paths"]["/api/v1/tickets"]["get"]["responses"]["429"]["headers"]


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/v1/tickets", "post", {"403", "409"}),
        ("/api/v1/tickets/{number}", "get", {"404"}),
        ("/api/v1/tickets/{number}/comments", "post", {"403", "404", "409"}),
        ("/api/v1/alerts", "post", {"403"}),
        ("/api/v1/problems/{number}/incidents", "post", {"403", "404"}),
        ("/api/v1/changes/{number}", "get", {"403", "404"}),
    ],
)
def test_an_operation_declares_its_own_refusals(schema, path, method, statuses):
    assert statuses <= set(schema["paths"][path][method]["responses"])


def test_a_path_of_plain_text_takes_no_input_that_can_be_invalid(schema):
    assert "400" not in schema["paths"]["/api/v1/tickets/{number}"]["get"]["responses"]
