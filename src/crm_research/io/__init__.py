"""Everything that reads the outside world: files in their encodings and formats, instruments,
reporting periods and the embedded warehouse. Analysis modules never open files themselves."""

from .files import read_any
from .instruments import Construct, Instrument, list_instruments, load_instrument
from .periods import Period, parse_period

__all__ = ["read_any", "Construct", "Instrument", "list_instruments", "load_instrument", "Period", "parse_period"]
