"""What any backend raises that the start-up reports to the operator."""


class SchemaError(Exception):
    """The database cannot be used with this version of the bot."""


class BackendError(Exception):
    """A database URL that no available backend serves."""


class DatabaseUnusable(Exception):
    """The database cannot be opened or read: not a database, damaged, or not allowed."""


class BackupError(Exception):
    """A copy cannot be made, or a file is not a usable copy."""
