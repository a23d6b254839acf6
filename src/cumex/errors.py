"""Exceptions raised at the public edge of cumex."""

__all__ = ["CumexInputError"]


class CumexInputError(ValueError):
    """Bad user input: the message names the key, the value given and what is allowed."""

    def __init__(self, key: str, value, allowed: str):
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"{key}: got {value!r}; allowed: {allowed}")
