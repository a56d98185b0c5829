"""The API's OpenAPI document (/api/v1/openapi.json) as clients generated from it read it
(openapi-python-client and the like). One set of rules for every app's router:

- an operation's id is its view function's name (`list_tickets`, `post_alert`): the
  client's function is `list_tickets.sync(…)`, not a module path;
- every operation declares the platform's error answers that can reach it, with
  ErrorOut as the body: 400 when it takes input, 401 when it needs a token, 413 when it
  takes a body, 429 when it is rate-limited, and 405, 500 and 503 always. What only the
  app knows (403, 404, 409) it declares in its `response=`;
- a choice is one named component (`named_choices`), also where a query parameter takes a
  list of them: ninja copies the enum into such a parameter, and a client would turn the
  copy into one more enum type;
- components no operation uses are left out (ninja publishes each query-filter schema,
  although its fields are sent as separate parameters).
"""

from typing import TYPE_CHECKING, Any

from django.db.models import Choices
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from pydantic import BaseModel, WithJsonSchema

if TYPE_CHECKING:
    from ninja.operation import Operation

#: What each error answer means, said once for every operation that declares it.
ERROR_ANSWERS = {
    400: "Invalid input: `errors` says what is wrong with each field.",
    401: "No token, or not a valid one.",
    403: "This token may not do this.",
    404: "Nothing this token may see is there.",
    405: "The path does not take this method (the Allow header lists those it takes).",
    409: "The request conflicts with the record's current state: read it again, then retry.",
    413: "The request body is too large.",
    429: "Too many requests for this token: wait as long as Retry-After says.",
    500: "Server error (logged).",
    503: "The service is temporarily unavailable: try again after Retry-After seconds.",
}
_HEADERS = {
    405: {"Allow": "The methods the path takes."},
    429: {"Retry-After": "Seconds to wait."},
    503: {"Retry-After": "Seconds to wait."},
}
BODY_SOURCES = frozenset({"body", "form", "file"})


def named_choices(choices: type[Choices], name: str) -> WithJsonSchema:
    """Django choices as the enum `name`. Give it to a PEP 695 alias of the same name,
    which every schema then uses (pydantic makes the alias one component):
    `type ProblemStatus = Annotated[Status, named_choices(Status, "ProblemStatus")]`."""
    return WithJsonSchema({"enum": list(choices.values), "title": name, "type": "string"})


class DeskOpenAPISchema(OpenAPISchema):
    def __init__(self, api: Any, path_prefix: str, error_model: type[BaseModel]) -> None:
        self.error_model = error_model
        super().__init__(api, path_prefix)
        _drop_unused(self["components"]["schemas"], self["paths"])

    def responses(self, operation: "Operation") -> dict[int, Any]:
        declared = super().responses(operation)
        error = self._error_ref()
        for status in platform_errors(operation):
            declared.setdefault(status, {"content": {"application/json": {"schema": error}}})
        for status, answer in declared.items():
            schema = answer.get("content", {}).get("application/json", {}).get("schema")
            if schema == error and status in ERROR_ANSWERS:
                answer["description"] = ERROR_ANSWERS[status]
                if status in _HEADERS:
                    answer["headers"] = _headers(_HEADERS[status])
        return dict(sorted(declared.items()))

    def _error_ref(self) -> dict[str, str]:
        name = self.error_model.__name__
        if name not in self.schemas:
            self.schemas[name] = self.error_model.model_json_schema(ref_template=REF_TEMPLATE)
        return {"$ref": REF_TEMPLATE.format(model=name)}

    def _extract_parameters(self, model: Any) -> list[dict[str, Any]]:
        parameters = super()._extract_parameters(model)
        for parameter in parameters:
            parameter["schema"] = self._named(parameter["schema"])
            items = parameter["schema"].get("items")
            if isinstance(items, dict):
                parameter["schema"]["items"] = self._named(items)
        return parameters

    def _named(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A reference to the enum component `schema` is a copy of, else `schema`."""
        if "enum" not in schema:
            return schema
        for name, component in self.schemas.items():
            if component == schema:
                return {"$ref": REF_TEMPLATE.format(model=name)}
        return schema


def platform_errors(operation: "Operation") -> list[int]:
    """The error answers the platform gives this operation (servicedesk/api.py's
    handlers and servicedesk/api_urls.py)."""
    statuses = [405, 500, 503]
    if _takes_input(operation):
        statuses.append(400)
    if operation.auth_callbacks:
        statuses.append(401)
    if any(model.__ninja_param_source__ in BODY_SOURCES for model in operation.models):
        statuses.append(413)
    if operation.throttle_objects:
        statuses.append(429)
    return sorted(statuses)


def _takes_input(operation: "Operation") -> bool:
    """Anything but path parameters that are plain text can be invalid."""
    for model in operation.models:
        if model.__ninja_param_source__ != "path":
            return True
        if any(field.annotation is not str for field in model.model_fields.values()):
            return True
    return False


def _headers(headers: dict[str, str]) -> dict[str, Any]:
    return {
        name: {"description": text, "schema": {"type": "string"}} for name, text in headers.items()
    }


def _drop_unused(components: dict[str, Any], paths: dict[str, Any]) -> None:
    """Keep only the components the operations refer to, directly or through others."""
    used: set[str] = set()
    pending = _references(paths)
    while pending:
        name = pending.pop()
        if name not in used and name in components:
            used.add(name)
            pending |= _references(components[name])
    for name in set(components) - used:
        del components[name]


def _references(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= _references(value)
        return found
    if isinstance(node, list):
        return set().union(*(_references(value) for value in node)) if node else set()
    return set()
