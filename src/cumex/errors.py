"""Exceptions raised at the public edge of cumex."""

__all__ = ["CumexInputError"]


class CumexInputError(ValueError):
    """Bad user input: the message names the key, the value given and what is allowed."""

    def __init__(self, key: str, value, allowed: str):
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"{key}: got {value!r}; allowed: {allowed}")

    def __reduce__(self):  # pickles (e.g. from a solve's child process) with its three arguments
        return (type(self), (self.key, self.value, self.allowed))
