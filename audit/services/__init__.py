"""Use cases: load rows, call the domain, write rows. Services flush; callers commit once."""

from collections.abc import Mapping

from audit.domain.catalog import N_

__all__ = ["N_", "ServiceError"]


class ServiceError(Exception):
    """A use case refused what was asked; the message is shown to the user, translated.

    ``message`` is an English gettext message id with named placeholders, so the web layer
    can show it in the user's language and the CLI in English.
    """

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params)
        self.message = message
        self.params: Mapping[str, object] = params
