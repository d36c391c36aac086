"""A small OpenAPI 3.1 document in synth's style, the base every diff test mutates."""

from __future__ import annotations

import copy
from typing import Any

PROBLEM = "application/problem+json"


def _problem(status: int, *codes: str) -> dict[str, Any]:
    return {
        "description": f"error {status}",
        "content": {
            PROBLEM: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "examples": {
                    code: {"summary": code, "value": {"code": code, "status": status}}
                    for code in codes
                },
            }
        },
    }


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


_BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Items", "version": "1.2.0"},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "paths": {
        "/items": {
            "post": {
                "operationId": "createItem",
                "summary": "Create an item.",
                "tags": ["items"],
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                    }
                ],
                "requestBody": {"required": True, "content": _json("ItemCreate")},
                "responses": {
                    "201": {
                        "description": "Created",
                        "headers": {
                            "Idempotent-Replayed": {
                                "schema": {"type": "string", "enum": ["true"]}
                            }
                        },
                        "content": _json("Item"),
                    },
                    "409": _problem(409, "item_taken"),
                    "422": _problem(422, "validation_failed"),
                },
                "x-synth-semantics": {
                    "tenantScoped": True,
                    "idempotency": {"header": "Idempotency-Key", "required": True},
                },
            },
            "get": {
                "operationId": "listItems",
                "summary": "List items.",
                "parameters": [
                    {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}},
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                    },
                ],
                "responses": {
                    "200": {"description": "OK", "content": _json("ItemPage")},
                    "400": _problem(400, "invalid_cursor"),
                },
                "x-synth-semantics": {
                    "tenantScoped": True,
                    "pagination": {
                        "cursorParam": "cursor",
                        "limitParam": "limit",
                        "limit": {"default": 20, "min": 1, "max": 100, "outOfRange": "reject"},
                        "order": ["-created_at", "-id"],
                        "filters": [{"param": "q", "field": "name", "op": "icontains"}],
                        "item": "Item",
                    },
                },
            },
        },
        "/items/{item_id}": {
            "get": {
                "operationId": "getItem",
                "parameters": [
                    {
                        "name": "item_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "headers": {"ETag": {"schema": {"type": "string"}}},
                        "content": _json("Item"),
                    },
                    "304": {"description": "Not Modified"},
                    "404": _problem(404, "not_found"),
                },
                "x-synth-semantics": {
                    "tenantScoped": True,
                    "conditional": {"etag": True, "ifMatch": None},
                },
            },
            "delete": {
                "operationId": "deleteItem",
                "parameters": [
                    {
                        "name": "item_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    }
                ],
                "responses": {"204": {"description": "No Content"}},
                "x-synth-semantics": {
                    "tenantScoped": True,
                    "conditional": {"etag": False, "ifMatch": "optional"},
                },
            },
        },
        "/tree": {
            "put": {
                "operationId": "putTree",
                "requestBody": {"required": True, "content": _json("Node")},
                "responses": {"200": {"description": "OK", "content": _json("Node")}},
            }
        },
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "title": "Item",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "name": {"type": "string", "minLength": 1, "maxLength": 100},
                    "email": {
                        "anyOf": [{"type": "string", "format": "email"}, {"type": "null"}]
                    },
                    "status": {"$ref": "#/components/schemas/Status"},
                    "count": {"type": "integer", "minimum": 0, "maximum": 10},
                    "score": {"type": "number"},
                    "tags": {
                        "type": "array",
                        "items": {"type": "string", "pattern": "^[a-z]+$"},
                        "maxItems": 5,
                        "uniqueItems": True,
                    },
                    "owner": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/User"},
                            {"$ref": "#/components/schemas/Team"},
                        ]
                    },
                    "note": {"type": "string"},
                },
                "required": ["id", "name", "email", "status", "count", "tags", "owner"],
            },
            "ItemCreate": {
                "type": "object",
                "title": "ItemCreate",
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 100},
                    "email": {
                        "anyOf": [{"type": "string", "format": "email"}, {"type": "null"}],
                        "default": None,
                    },
                    "count": {"type": "integer", "minimum": 0, "maximum": 10, "default": 0},
                    "kind": {"type": "string", "enum": ["a", "b"]},
                    "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
                    "size": {"type": "number", "multipleOf": 0.5},
                },
                "required": ["name"],
            },
            "ItemPage": {
                "type": "object",
                "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                    "next_cursor": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                },
                "required": ["items", "next_cursor"],
            },
            "Status": {"type": "string", "enum": ["open", "closed"]},
            "User": {
                "type": "object",
                "properties": {"kind": {"const": "user"}, "name": {"type": "string"}},
                "required": ["kind", "name"],
            },
            "Team": {
                "type": "object",
                "properties": {"kind": {"const": "team"}, "size": {"type": "integer"}},
                "required": ["kind", "size"],
            },
            "Node": {
                "type": "object",
                "properties": {
                    "label": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                },
                "required": ["label", "children"],
            },
            "Problem": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "status": {"type": "integer"}},
                "required": ["code", "status"],
            },
        },
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    },
    "x-synth-errors": [
        {"code": "invalid_cursor", "status": 400, "title": "Invalid cursor", "retryable": False,
         "type": "https://example.test/errors/invalid_cursor"},
        {"code": "not_found", "status": 404, "title": "Not found", "retryable": False,
         "type": "https://example.test/errors/not_found"},
        {"code": "item_taken", "status": 409, "title": "Item taken", "retryable": False,
         "type": "https://example.test/errors/item_taken"},
        {"code": "validation_failed", "status": 422, "title": "Validation failed",
         "retryable": False, "type": "https://example.test/errors/validation_failed"},
    ],
}  # fmt: skip


def base() -> dict[str, Any]:
    """A fresh copy of the base document."""
    return copy.deepcopy(_BASE)
