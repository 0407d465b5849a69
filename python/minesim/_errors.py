"""minesim's exceptions. Their messages are the command line's, without its
``error: `` prefix (``minesim run`` exits with 2 for an :class:`InputError`,
3 for an :class:`OutputError` and 1 for an :class:`InternalError`)."""


class MinesimError(Exception):
    """Any error of minesim."""


class InputError(MinesimError, ValueError):
    """Bad input: a scenario, a data file, an argument. Nothing was written."""


class ScenarioError(InputError):
    """A scenario that cannot be read, parsed or validated, or one of its
    data files. The message names the file and, for a bad value, the field
    path and the allowed range (``price.volatility_per_year must be in
    [0, 10], got 20``); for an override, ``--set PATH``."""


class OutputError(MinesimError, OSError):
    """The outputs could not be written (permission, read-only or full file
    system, a file where a folder should be). The previous complete output,
    if any, is left as it was."""


class InternalError(MinesimError, RuntimeError):
    """A bug in minesim."""


for _cls in (MinesimError, InputError, ScenarioError, OutputError, InternalError):
    _cls.__module__ = "minesim"
