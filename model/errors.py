"""The one error type the model layer raises for bad specs, files and inputs."""


class ModelError(Exception):
    """A problem the user can fix (missing weights, a broken checkpoint, a bad spec)."""
