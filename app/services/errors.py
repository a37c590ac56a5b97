"""Domain errors raised by services and turned into messages by routes."""


class DomainError(Exception):
    """A rule was broken; the message is written for the person who tried."""

    field: str | None = None

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """Someone else changed the record since it was opened."""

    def __init__(self, what: str = "This record"):
        super().__init__(
            f"{what} was changed by someone else while you were editing it. What you typed is kept below. "
            "Check their change (open the page in a new tab), then save again if yours is still needed."
        )


class NotAllowedError(DomainError):
    """The person is signed in but may not do this to this record."""

