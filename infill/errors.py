"""The one error type the editing layer raises for input a user can fix."""


class InfillError(Exception):
    """Bad input: an unknown language, a position outside the document, a binary or huge file."""
