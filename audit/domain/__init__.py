"""The pure core: catalog parsing, fiscal years, scoring and the ratchet rules.

Nothing in this package imports Flask, SQLAlchemy or reportlab, nor any other part of
``audit``: it takes and returns frozen dataclasses, enums and Decimals, so it can be
tested without an app and reused by the web, the API, the CLI and the PDFs alike.
``tests/domain/test_purity.py`` enforces the rule.
"""
