"""Structural models shipped with the package: ``instruments/<name>.sem.lav`` beside the instrument."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .._core.errors import DataError

__all__ = ["load_model", "list_models"]


def list_models() -> list[str]:
    """Names of the shipped structural models (one per instrument that has one)."""
    return sorted(p.name[: -len(".sem.lav")] for p in resources.files("crm_research.instruments").iterdir()
                  if p.name.endswith(".sem.lav"))


def load_model(name_or_path) -> str:
    """The lavaan syntax of a shipped structural model (``"logistics_csl"``: service quality →
    perceived value → satisfaction → loyalty, with switching cost) or of a ``.lav`` file.

    >>> from crm_research.sem import load_model
    >>> "loyalty  =~" in load_model("logistics_csl")
    True
    """
    name = str(name_or_path)
    if name in list_models():
        return resources.files("crm_research.instruments").joinpath(f"{name}.sem.lav").read_text(encoding="utf-8")
    path = Path(name)
    if path.suffix != ".lav" and not path.is_file():
        raise DataError(f"load_model: {name!r} is neither a shipped model ({', '.join(list_models())}) nor a "
                        f"model file (.lav, lavaan syntax)")
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"load_model: model file {path.name!r} not found in {str(path.parent)!r}") from None
    except UnicodeDecodeError:
        raise DataError(f"load_model: model file {path.name!r} is not UTF-8 text; save it as UTF-8") from None
    except OSError as e:
        raise DataError(f"load_model: cannot read model file {path.name!r}: {e.strerror}") from None
