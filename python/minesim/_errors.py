"""minesim's exceptions. Their messages are the command line's, without its
``error: `` prefix (``minesim run`` exits with 2 for an :class:`InputError`
and 1 for an :class:`InternalError`)."""


class MinesimError(Exception):
    """Any error of minesim."""


class InputError(MinesimError, ValueError):
    """Bad input: a scenario, a data file, an argument. Nothing was written."""


class ScenarioError(InputError):
    """A scenario that cannot be read, parsed or validated, or one of its
    data files. The message names the file and, for a bad value, the field
    path and the allowed range (``price.volatility_per_year must be in
    [0, 10], got 20``); for an override, ``--set PATH``."""


class InternalError(MinesimError, RuntimeError):
    """An I/O failure while writing, or a bug in minesim."""


for _cls in (MinesimError, InputError, ScenarioError, InternalError):
    _cls.__module__ = "minesim"
