"""Domain errors raised by services; views turn them into messages."""


class DomainError(Exception):
    """A rule of the domain refused the operation. `message` is already translated (lazy)."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field



class RowRefusedError(DomainError):
    """One item of a bulk service (`register_participants`, `create_commitments`) is refused;
    `index` is its position in the list. Nothing of the list is written."""

    def __init__(self, index, error: DomainError):
        super().__init__(error.message, field=error.field)
        self.index = index
