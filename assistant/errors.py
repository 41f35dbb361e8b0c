"""The project's own exception tree; vendor errors are translated into these at the edges."""

from __future__ import annotations


class WilError(Exception):
    """Base class for every error the assistant raises on purpose."""

    status_code = 500
    public_message = "Something went wrong on our side."


class ConfigError(WilError):
    """Configuration is missing or invalid; the message names the variable."""


class NotFoundError(WilError):
    """A requested record does not exist."""

    status_code = 404
    public_message = "Not found."


class ConflictError(WilError):
    """The request conflicts with the current state (e.g. a ticket already claimed)."""

    status_code = 409
    public_message = "Conflict."


class AuthError(WilError):
    """Credentials are missing or wrong."""

    status_code = 401
    public_message = "Missing or invalid credentials."


class ForbiddenError(WilError):
    """Credentials are valid but do not grant this action."""

    status_code = 403
    public_message = "Not allowed."


class UserInputError(WilError):
    """Input from a person or client that cannot be used as given."""

    status_code = 422
    public_message = "Invalid input."


class LLMError(WilError):
    """The language model failed (timeout, 5xx, malformed output)."""


class StoreUnavailableError(WilError):
    """The database cannot be reached."""

    status_code = 503
    public_message = "The service is temporarily unavailable."
