"""The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json."""

from typing import Any

_TEXT = {
    "type": "object",
    "required": ["ja", "en"],
    "properties": {"ja": {"type": "string"}, "en": {"type": "string"}},
}
_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}


def _errors(*codes: int) -> dict[str, Any]:
    return {
        str(code): {
            "description": "Error",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for code in codes
    }


OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "Ward office service standards API",
        "version": "1",
        "description": "Every call needs `Authorization: Bearer <token>`; "
        "`flask --app wsgi users token USERNAME` issues one.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "paths": {
        "/offices": {
            "get": {
                "summary": "The offices: ward offices, branch offices and sub-offices",
                "responses": {
                    "200": {
                        "description": "The offices",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Office"},
                                }
                            }
                        },
                    },
                    **_errors(401),
                },
            }
        },
        "/standards": {
            "get": {
                "summary": "The standards in force in a fiscal year, with the level in force",
                "parameters": [
                    {
                        "name": "year",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1989, "maximum": 2100},
                        "description": "Fiscal year (April–March); default: the current one",
                    },
                    {
                        "name": "office",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "Only the standards that apply to this office",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The standards",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Standard"},
                                }
                            }
                        },
                    },
                    **_errors(401, 404, 422),
                },
            }
        },
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": _ERROR,
            "Text": _TEXT,
            "Office": {
                "type": "object",
                "required": ["code", "kind", "parent", "name"],
                "properties": {
                    "code": {"type": "string"},
                    "kind": {"type": "string", "enum": ["ward", "branch", "sub"]},
                    "parent": {"type": "string", "nullable": True},
                    "name": {"$ref": "#/components/schemas/Text"},
                },
            },
            "Level": {
                "type": "object",
                "required": ["level", "criterion", "target", "min_observations"],
                "properties": {
                    "level": {"type": "integer", "minimum": 1},
                    "criterion": {"$ref": "#/components/schemas/Text"},
                    "target": {"type": "number", "nullable": True},
                    "min_observations": {"type": "integer", "nullable": True},
                },
            },
            "Standard": {
                "type": "object",
                "required": [
                    "code",
                    "principle",
                    "office",
                    "applies_to",
                    "title",
                    "method",
                    "level",
                    "levels",
                ],
                "properties": {
                    "code": {"type": "string"},
                    "principle": {"type": "string"},
                    "office": {"type": "string", "nullable": True},
                    "applies_to": {"type": "array", "items": {"type": "string"}},
                    "title": {"$ref": "#/components/schemas/Text"},
                    "method": {"$ref": "#/components/schemas/Text"},
                    "level": {"type": "integer", "description": "The level in force that year"},
                    "levels": {"type": "array", "items": {"$ref": "#/components/schemas/Level"}},
                },
            },
        },
    },
}
