"""The one base class for input a user can fix: the CLI prints it as one line, exit code 2."""


class InputError(ValueError):
    """Bad input (a file, an option, a table, a spec): the message says what and how to fix it."""
