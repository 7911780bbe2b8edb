"""Rule violations the domain raises; the API maps each family to an HTTP status."""


class DomainError(Exception):
    """A command broke a rule; nothing was written."""


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    pass


class Conflict(DomainError):
    """Another command changed the same stream first and retrying did not help."""


class Invalid(DomainError):
    """The command is well-formed but its content breaks a rule (422)."""


class AccountForgotten(DomainError):
    """Personal data cannot be written for an account whose key was destroyed."""
