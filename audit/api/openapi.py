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


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


_AUDIT_ID = {
    "name": "audit_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
_CODE = {"name": "standard_code", "in": "path", "required": True, "schema": {"type": "string"}}
_ETAG = {"ETag": {"description": "The response's version", "schema": {"type": "string"}}}
_NULLABLE_INT = {"type": "integer", "nullable": True}

_AUDIT_PATHS: dict[str, Any] = {
    "/audits": {
        "get": {
            "summary": "The audits the caller may see",
            "parameters": [
                {
                    "name": "year",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 2000, "maximum": 2100},
                },
                {"name": "office", "in": "query", "schema": {"type": "string"}},
                {
                    "name": "kind",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["self", "external"]},
                },
            ],
            "responses": {
                "200": _json({"type": "array", "items": _ref("AuditHeader")}),
                **_errors(401, 422),
            },
        },
        "post": {
            "summary": "Create an audit with one response per applicable standard",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["office", "fiscal_year", "kind"],
                            "properties": {
                                "office": {"type": "string"},
                                "fiscal_year": {
                                    "type": "integer",
                                    "minimum": 2000,
                                    "maximum": 2100,
                                },
                                "kind": {"type": "string", "enum": ["self", "external"]},
                                "from_previous": {"type": "boolean", "default": True},
                            },
                        }
                    }
                },
            },
            "responses": {"201": _json(_ref("Audit"), "Created"), **_errors(401, 403, 409, 422)},
        },
    },
    "/audits/{audit_id}": {
        "get": {
            "summary": "One audit with every response, rated or not",
            "parameters": [_AUDIT_ID],
            "responses": {"200": _json(_ref("Audit")), **_errors(401, 404)},
        }
    },
    "/audits/{audit_id}/responses/{standard_code}": {
        "get": {
            "summary": "One response; its version is also the ETag",
            "parameters": [_AUDIT_ID, _CODE],
            "responses": {
                "200": {**_json(_ref("Response")), "headers": _ETAG},
                **_errors(401, 404),
            },
        },
        "put": {
            "summary": "Save one response; needs If-Match with its current version",
            "parameters": [
                _AUDIT_ID,
                _CODE,
                {
                    "name": "If-Match",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string"},
                },
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("ResponseInput")}},
            },
            "responses": {
                "200": {**_json(_ref("Response")), "headers": _ETAG},
                **_errors(401, 403, 404, 409, 412, 422, 428),
            },
        },
    },
    **{
        f"/audits/{{audit_id}}/{step}": {
            "post": {
                "summary": summary,
                "parameters": [_AUDIT_ID],
                **(
                    {
                        "requestBody": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"comment": {"type": "string"}},
                                    }
                                }
                            }
                        }
                    }
                    if step == "return"
                    else {}
                ),
                "responses": {
                    "200": _json(_ref("AuditHeader")),
                    **_errors(401, 403, 404, 409, 422),
                },
            }
        }
        for step, summary in (
            ("submit", "Submit a complete draft; 409 lists what is missing"),
            ("accept", "Accept a submitted audit; it is locked from then on"),
            ("return", "Return a submitted audit to draft, with a comment"),
        )
    },
}

_RESULTS_PATHS: dict[str, Any] = {
    "/results": {
        "get": {
            "summary": "The offices × standards matrix of a fiscal year's accepted audits",
            "parameters": [
                {
                    "name": "year",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 2000, "maximum": 2100},
                },
                {
                    "name": "source",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "string",
                        "enum": ["self", "external", "best"],
                        "default": "best",
                    },
                },
                {
                    "name": "city",
                    "in": "query",
                    "required": False,
                    "description": "Only the offices of this city (empty: the catalog's own)",
                    "schema": {"type": "string", "pattern": "^[a-z0-9_-]{0,32}$"},
                },
            ],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["year", "source", "offices", "standards", "results"],
                        "properties": {
                            "year": {"type": "integer"},
                            "source": {"type": "string"},
                            "offices": {"type": "array", "items": {"type": "string"}},
                            "standards": {"type": "array", "items": {"type": "string"}},
                            "results": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": [
                                        "office",
                                        "standard",
                                        "missing",
                                        "rating",
                                        "level",
                                    ],
                                    "properties": {
                                        "office": {"type": "string"},
                                        "standard": {"type": "string"},
                                        "missing": {"type": "boolean"},
                                        "rating": {"type": "string", "nullable": True},
                                        "level": {"type": "integer", "nullable": True},
                                        "source": {"type": "string", "nullable": True},
                                        "successes": {"type": "integer", "nullable": True},
                                        "trials": {"type": "integer", "nullable": True},
                                    },
                                },
                            },
                        },
                    }
                ),
                **_errors(401, 403, 422),
            },
        }
    },
}

_RATCHET_PATHS: dict[str, Any] = {
    "/ratchet/proposals": {
        "get": {
            "summary": "The step-up and promotion proposals of a review year, with evidence",
            "parameters": [
                {
                    "name": "year",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 2000, "maximum": 2100},
                }
            ],
            "responses": {
                "200": _json({"type": "array", "items": _ref("Proposal")}),
                **_errors(401, 403, 422),
            },
        }
    },
    "/ratchet/proposals/{proposal}/decision": {
        "post": {
            "summary": "Record or revise the meeting's decision (division heads only)",
            "parameters": [
                {
                    "name": "proposal",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": "The proposal's id, e.g. 2025-C01-step_up",
                }
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["outcome", "meeting_date"],
                            "properties": {
                                "outcome": {
                                    "type": "string",
                                    "enum": ["approved", "deferred", "rejected"],
                                },
                                "rationale": {
                                    "type": "string",
                                    "description": "required to defer or reject",
                                },
                                "meeting_date": {"type": "string", "format": "date"},
                            },
                        }
                    }
                },
            },
            "responses": {"200": _json(_ref("Decision")), **_errors(401, 403, 404, 409, 422)},
        }
    },
}

_FRACTION = {"type": "number", "minimum": 0, "maximum": 1}
_NULLABLE_NUMBER = {"type": "number", "nullable": True}

_SURVEY_PATHS: dict[str, Any] = {
    "/surveys": {
        "get": {
            "summary": "Each office's visitor survey of a year against the target, and the city's",
            "parameters": [
                {
                    "name": "year",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "Fiscal year as 2022, R4 or 令和4年度; default: the latest",
                }
            ],
            "responses": {"200": _json(_ref("SurveyYear")), **_errors(401, 422)},
        }
    },
    "/indicators": {
        "get": {
            "summary": "The outcome indicators: phase and yearly targets, actuals, status",
            "responses": {
                "200": _json({"type": "array", "items": _ref("Indicator")}),
                **_errors(401),
            },
        }
    },
}

_SURVEY_SCHEMAS: dict[str, Any] = {
    "SurveyYear": {
        "type": "object",
        "required": ["fiscal_year", "target", "tolerance", "offices", "citywide"],
        "properties": {
            "fiscal_year": _NULLABLE_INT,
            "target": _FRACTION,
            "tolerance": {
                "type": "number",
                "description": "met: the lower bound is at least target - tolerance",
            },
            "offices": {"type": "array", "items": _ref("SurveyResult")},
            "citywide": {
                "allOf": [_ref("SurveyResult")],
                "nullable": True,
                "description": "every office's answers pooled (office: citywide)",
            },
        },
    },
    "SurveyResult": {
        "type": "object",
        "required": ["office", "fiscal_year", "conducted", "note"],
        "description": "Rates are fractions with their Wilson 95% interval; a survey not "
        "conducted has no figures, never zeros",
        "properties": {
            "office": {"type": "string"},
            "fiscal_year": {"type": "integer"},
            "conducted": {
                "type": "boolean",
                "nullable": True,
                "description": "false: not conducted (note says why); null: no result recorded",
            },
            "note": {"type": "string", "nullable": True},
            "yes": {"type": "integer"},
            "neutral": {"type": "integer"},
            "no": {"type": "integer"},
            "answers": {"type": "integer"},
            "satisfaction": _FRACTION,
            "satisfaction_low": _FRACTION,
            "satisfaction_high": _FRACTION,
            "top_box": _FRACTION,
            "top_box_low": _FRACTION,
            "top_box_high": _FRACTION,
            "status": {"type": "string", "enum": ["met", "consistent", "below"]},
        },
    },
    "Indicator": {
        "type": "object",
        "required": ["code", "name", "unit", "direction", "phase_targets", "years"],
        "properties": {
            "code": {"type": "string"},
            "name": _ref("Text"),
            "unit": {"type": "string"},
            "direction": {"type": "string", "enum": ["higher", "lower"]},
            "places": {"type": "integer"},
            "definition": _ref("Text"),
            "phase_targets": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "phase": {"type": "integer"},
                        "fiscal_year": {"type": "integer"},
                        "target": {"type": "number"},
                        "actual": _NULLABLE_NUMBER,
                        "status": _ref("IndicatorStatus"),
                    },
                },
            },
            "years": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "fiscal_year": {"type": "integer"},
                        "target": _NULLABLE_NUMBER,
                        "target_in_force": {
                            **_NULLABLE_NUMBER,
                            "description": "the year's own target, else its plan phase's",
                        },
                        "actual": _NULLABLE_NUMBER,
                        "note": {"type": "string"},
                        "status": _ref("IndicatorStatus"),
                    },
                },
            },
        },
    },
    "IndicatorStatus": {
        "type": "string",
        "enum": ["achieved", "not_achieved", "no_target", "not_measured", "no_figure"],
    },
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
        **_AUDIT_PATHS,
        **_SURVEY_PATHS,
        **_RATCHET_PATHS,
        **_RESULTS_PATHS,
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
            **_SURVEY_SCHEMAS,
            "Decision": {
                "type": "object",
                "required": [
                    "id",
                    "review_year",
                    "kind",
                    "from_level",
                    "to_level",
                    "outcome",
                    "meeting_date",
                    "effective_year",
                ],
                "properties": {
                    "id": {"type": "integer"},
                    "review_year": {"type": "integer"},
                    "effective_year": {"type": "integer"},
                    "kind": {"type": "string", "enum": ["step_up", "promotion"]},
                    "from_level": {"type": "integer"},
                    "to_level": {"type": "integer"},
                    "outcome": {"type": "string", "enum": ["approved", "deferred", "rejected"]},
                    "rationale": {"type": "string"},
                    "meeting_date": {"type": "string", "format": "date"},
                },
            },
            "Proposal": {
                "type": "object",
                "required": [
                    "id",
                    "standard",
                    "kind",
                    "from_level",
                    "to_level",
                    "status",
                    "evidence",
                    "decision",
                ],
                "properties": {
                    "id": {"type": "string"},
                    "standard": {"type": "string"},
                    "kind": {"type": "string", "enum": ["step_up", "promotion"]},
                    "from_level": {"type": "integer"},
                    "to_level": {"type": "integer"},
                    "status": {"type": "string", "enum": ["proposed", "insufficient_evidence"]},
                    "evidence": {
                        "type": "object",
                        "properties": {
                            "years": {"type": "array", "items": {"type": "integer"}},
                            "offices": {"type": "array", "items": {"type": "object"}},
                            "pooled": {"type": "object", "nullable": True},
                            "target": {"type": "number", "nullable": True},
                            "min_observations": {"type": "integer", "nullable": True},
                        },
                    },
                    "decision": {"allOf": [_ref("Decision")], "nullable": True},
                },
            },
            "AuditHeader": {
                "type": "object",
                "required": ["id", "office", "fiscal_year", "kind", "status"],
                "properties": {
                    "id": {"type": "integer"},
                    "office": {"type": "string"},
                    "fiscal_year": {"type": "integer"},
                    "kind": {"type": "string", "enum": ["self", "external"]},
                    "status": {"type": "string", "enum": ["draft", "submitted", "accepted"]},
                    "return_comment": {"type": "string", "nullable": True},
                },
            },
            "Audit": {
                "allOf": [
                    _ref("AuditHeader"),
                    {
                        "type": "object",
                        "required": ["achievement", "responses"],
                        "properties": {
                            "achievement": {
                                "type": "object",
                                "properties": {
                                    "passed": {"type": "integer"},
                                    "applicable": {"type": "integer"},
                                    "rate": {"type": "number", "nullable": True},
                                },
                            },
                            "responses": {"type": "array", "items": _ref("Response")},
                        },
                    },
                ]
            },
            "Response": {
                "type": "object",
                "required": [
                    "standard_code",
                    "level",
                    "rating",
                    "successes",
                    "trials",
                    "evidence",
                    "version",
                ],
                "properties": {
                    "standard_code": {"type": "string"},
                    "principle": {"type": "string"},
                    "level": {"type": "integer"},
                    "title": _ref("Text"),
                    "criterion": _ref("Text"),
                    "target": {"type": "number", "nullable": True},
                    "min_observations": _NULLABLE_INT,
                    "rating": {
                        "type": "string",
                        "nullable": True,
                        "enum": ["exceeds", "met", "partial", "not_met", "na", None],
                    },
                    "successes": _NULLABLE_INT,
                    "trials": _NULLABLE_INT,
                    "interval": {
                        "type": "object",
                        "nullable": True,
                        "properties": {"low": {"type": "number"}, "high": {"type": "number"}},
                    },
                    "suggested_rating": {"type": "string", "nullable": True},
                    "evidence": {"type": "string"},
                    "na_reason": {"type": "string"},
                    "version": {"type": "integer"},
                },
            },
            "ResponseInput": {
                "type": "object",
                "properties": {
                    "rating": {
                        "type": "string",
                        "nullable": True,
                        "enum": ["exceeds", "met", "partial", "not_met", "na", None],
                    },
                    "successes": _NULLABLE_INT,
                    "trials": _NULLABLE_INT,
                    "evidence": {"type": "string"},
                    "na_reason": {"type": "string", "description": "required for na"},
                    "actions": {
                        "type": "array",
                        "description": "required for partial and not_met, unless an action is open",
                        "items": {
                            "type": "object",
                            "required": ["what", "owner", "due"],
                            "properties": {
                                "what": {"type": "string"},
                                "owner": {"type": "string"},
                                "due": {"type": "string", "format": "date"},
                            },
                        },
                    },
                },
            },
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
