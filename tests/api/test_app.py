"""What every endpoint shares: JSON errors, parameter parsing, the OpenAPI document."""

import json
from typing import Any

from tests.helpers import Client


def test_unknown_routes_and_methods_answer_json_errors(client: Client) -> None:
    missing = client.get("/api/v1/no/such/thing")
    assert missing.status_code == 404
    assert missing.json() == {"error": "Record not found"}
    wrong_method = client.delete("/api/v1/accounts/verify_credentials")
    assert wrong_method.status_code == 405
    assert "error" in wrong_method.json()


def test_malformed_json_is_a_400_that_writes_nothing(client: Client) -> None:
    user = client.register()
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        headers={**user.auth, "Content-Type": "application/json"},
        content=b'{"display_name": ',
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("Malformed JSON")
    listed = client.patch(
        "/api/v1/accounts/update_credentials",
        headers={**user.auth, "Content-Type": "application/json"},
        content=b'["display_name"]',
    )
    assert listed.status_code == 400


def test_wrong_types_are_a_422_naming_the_field(client: Client) -> None:
    user = client.register()
    response = client.patch(
        "/api/v1/accounts/update_credentials", headers=user.auth, json={"locked": {"nested": True}}
    )
    assert response.status_code == 422
    assert "locked" in response.json()["error"]


def test_the_same_parameters_arrive_from_query_form_json_and_multipart(client: Client) -> None:
    user = client.register()
    other = client.register()
    queries: list[Any] = [
        {"id[]": [other.id, user.id]},
        [("id[]", other.id), ("id[]", user.id)],
        {"id": other.id},
    ]
    for query in queries:
        response = client.get("/api/v1/accounts/relationships", headers=user.auth, params=query)
        assert response.status_code == 200, response.text
        assert other.id in [r["id"] for r in response.json()]
    bodies: list[dict[str, Any]] = [
        {"data": {"display_name": "Form"}},
        {"json": {"display_name": "Json"}},
        {"files": {"display_name": (None, "Multipart")}},
    ]
    for kwargs in bodies:
        response = client.patch("/api/v1/accounts/update_credentials", headers=user.auth, **kwargs)
        assert response.status_code == 200, response.text
    assert response.json()["display_name"] == "Multipart"


def test_openapi_describes_the_real_routes(client: Client) -> None:
    document = client.get("/docs/openapi.json")
    assert document.status_code == 200
    paths = json.loads(document.text)["paths"]
    for path in (
        "/api/v1/apps",
        "/oauth/token",
        "/api/v1/accounts/verify_credentials",
        "/api/v1/accounts/update_credentials",
    ):
        assert path in paths, path
