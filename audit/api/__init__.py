"""The JSON API under /api/v1: bearer tokens only, the same access rules as the pages."""

from audit.api import audits, catalog, indicators, ratchet, results, surveys
from audit.api.blueprint import bp, json_error

__all__ = ["audits", "bp", "catalog", "indicators", "json_error", "ratchet", "results", "surveys"]
