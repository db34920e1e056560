"""Generate a Postman collection (v2.1) and environment from the services' OpenAPI documents.

Every operation becomes a request with an example body built from its schema, the bearer token
of the environment, and a test that its status is one the OpenAPI document lists for it (or a
problem+json error every endpoint may answer). The first request logs in and stores the tokens.
The documents are read from the apps in-process, so no server has to run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from hdms_run import services as registry

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "postman"
#: Answers any endpoint may give besides its documented ones (docs/api.md).
COMMON_STATUSES = {400, 401, 403, 404, 409, 412, 413, 415, 422, 429, 503}
SAMPLE_UUID = "00000000-0000-4000-8000-000000000000"
NAMESPACE = uuid.UUID("6f1f3c1e-6a39-4a5e-9f0e-2f0d6f1b8d10")


def openapi_documents() -> dict[str, dict[str, Any]]:
    """Each installed service's OpenAPI document, from its app built in the embedded mode."""
    documents = {}
    with tempfile.TemporaryDirectory() as var_dir:
        environ = {
            **os.environ,
            "HDMS_ENV": "embedded",
            "HDMS_VAR_DIR": var_dir,
            "LOG_LEVEL": "WARNING",
        }
        for service in registry.installed_services():
            name, path = service.directory, service.openapi_path
            app = importlib.import_module(service.package).create_app(environ=environ)
            response = app.test_client().get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: {path} answered {response.status_code}")
            documents[name] = response.get_json()
    return documents


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def example(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """A plausible example value for a schema: required fields only, formats respected."""
    schema = _resolve(spec, schema)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example(spec, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        required = set(schema.get("required", []))
        properties = schema.get("properties", {})
        return {
            name: example(spec, prop, depth + 1)
            for name, prop in properties.items()
            if name in required and not _resolve(spec, prop).get("readOnly")
        }
    if kind == "array":
        item = example(spec, schema.get("items", {}), depth + 1)
        return [item] if schema.get("minItems", 0) > 0 else []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "uuid":
        return SAMPLE_UUID
    if fmt == "date-time":
        return "2030-01-07T09:00:00Z"
    if fmt == "email":
        return "someone@example.com"
    return "example"


def _url(path: str) -> dict[str, Any]:
    raw_path = path
    variables = []
    for part in path.strip("/").split("/"):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            raw_path = raw_path.replace(part, f":{name}")
            variables.append({"key": name, "value": "{{" + name + "}}"})
    return {
        "raw": "{{baseUrl}}" + raw_path,
        "host": ["{{baseUrl}}"],
        "path": raw_path.strip("/").split("/") + ([""] if raw_path.endswith("/") else []),
        "variable": variables,
    }


def _status_test(statuses: set[int]) -> dict[str, Any]:
    allowed = sorted(statuses | COMMON_STATUSES)
    script = [
        f"const allowed = {json.dumps(allowed)};",
        "pm.test('status is documented for this operation', function () {",
        "    pm.expect(allowed).to.include(pm.response.code);",
        "});",
        "pm.test('errors are problem+json', function () {",
        "    if (pm.response.code >= 400) {",
        "        const type = pm.response.headers.get('Content-Type');",
        "        pm.expect(type).to.include('application/problem+json');",
        "    }",
        "});",
    ]
    return {"listen": "test", "script": {"type": "text/javascript", "exec": script}}


def _login_item() -> dict[str, Any]:
    body = {"employee_code": "{{employeeCode}}", "password": "{{password}}"}
    script = [
        "pm.test('login succeeds', function () { pm.response.to.have.status(200); });",
        "const body = pm.response.json();",
        "pm.environment.set('accessToken', body.access);",
        "pm.environment.set('refreshToken', body.refresh);",
    ]
    return {
        "name": "Login (stores the tokens)",
        "request": {
            "method": "POST",
            "header": [{"key": "Content-Type", "value": "application/json"}],
            "body": {"mode": "raw", "raw": json.dumps(body, indent=2)},
            "url": _url("/api/auth/login-hdms"),
            "auth": {"type": "noauth"},
        },
        "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": script}}],
    }


def collection(documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    folders = []
    path_variables: set[str] = set()
    for service, spec in documents.items():
        items = []
        for path, operations in spec.get("paths", {}).items():
            for method, operation in operations.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                request: dict[str, Any] = {
                    "method": method.upper(),
                    "header": [{"key": "Accept", "value": "application/json"}],
                    "url": _url(path),
                }
                path_variables.update(v["key"] for v in request["url"]["variable"])
                queries = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
                if queries:
                    request["url"]["query"] = [
                        {
                            "key": p["name"],
                            "value": "",
                            "disabled": True,
                            "description": p.get("description", ""),
                        }
                        for p in queries
                    ]
                content = operation.get("requestBody", {}).get("content", {})
                if "application/json" in content:
                    body = example(spec, content["application/json"]["schema"])
                    request["header"].append({"key": "Content-Type", "value": "application/json"})
                    request["body"] = {"mode": "raw", "raw": json.dumps(body, indent=2)}
                elif "multipart/form-data" in content:
                    request["body"] = {
                        "mode": "formdata",
                        "formdata": [
                            {"key": "file", "type": "file", "src": []},
                            {"key": "purpose", "value": "ticket", "type": "text"},
                        ],
                    }
                statuses = {int(code) for code in operation.get("responses", {}) if code.isdigit()}
                items.append(
                    {
                        "name": f"{method.upper()} {path}"
                        + (f" - {operation['summary']}" if operation.get("summary") else ""),
                        "request": request,
                        "event": [_status_test(statuses)],
                    }
                )
        folders.append({"name": service, "item": items})
    return {
        "info": {
            "_postman_id": str(uuid.uuid5(NAMESPACE, "hdms-collection")),
            "name": "HDMS",
            "description": "Every HDMS operation, generated from the OpenAPI documents.",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "auth": {
            "type": "bearer",
            "bearer": [{"key": "token", "value": "{{accessToken}}", "type": "string"}],
        },
        "item": [_login_item(), *folders],
        "variable": [{"key": name, "value": SAMPLE_UUID} for name in sorted(path_variables)],
    }


def environment(base_url: str, employee_code: str, password: str) -> dict[str, Any]:
    values = {
        "baseUrl": base_url,
        "employeeCode": employee_code,
        "password": password,
        "accessToken": "",
        "refreshToken": "",
    }
    return {
        "id": str(uuid.uuid5(NAMESPACE, "hdms-environment")),
        "name": "HDMS local",
        "values": [{"key": k, "value": v, "enabled": True} for k, v in values.items()],
        "_postman_variable_scope": "environment",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output-dir", default=str(OUTPUT_DIR))
    parser.add_argument("--base-url", default="http://localhost:8080")
    admin_code, admin_password = registry.demo_logins()["admin"]
    parser.add_argument("--employee-code", default=admin_code)
    parser.add_argument("--password", default=admin_password)
    args = parser.parse_args(argv)
    output = Path(args.output_dir)
    output.mkdir(parents=True, exist_ok=True)
    documents = openapi_documents()
    (output / "hdms.postman_collection.json").write_text(
        json.dumps(collection(documents), indent=2) + "\n"
    )
    (output / "hdms.postman_environment.json").write_text(
        json.dumps(environment(args.base_url, args.employee_code, args.password), indent=2) + "\n"
    )
    count = sum(len(f["item"]) for f in collection(documents)["item"][1:])
    print(
        f"wrote {output}/hdms.postman_collection.json ({count} requests)"
        " and hdms.postman_environment.json"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
