"""Everything that reads the outside world: files in their encodings and formats, instruments,
reporting periods and the embedded warehouse. Analysis modules never open files themselves.

The names below load their module on first use (reading periods needs no pandas)."""

import importlib

_WHERE = {"read_any": "files", "Construct": "instruments", "Instrument": "instruments",
          "list_instruments": "instruments", "load_instrument": "instruments", "Period": "periods",
          "parse_period": "periods"}

__all__ = ["read_any", "Construct", "Instrument", "list_instruments", "load_instrument", "Period", "parse_period"]


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
