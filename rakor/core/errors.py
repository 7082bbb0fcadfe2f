"""Domain errors raised by services; views turn them into messages."""


class DomainError(Exception):
    """A rule of the domain refused the operation. `message` is already translated (lazy)."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field

