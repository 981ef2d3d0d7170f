"""Declarative parameter validation for public functions (after scikit-learn's ``validate_params``).

Each public entry point states its parameters' constraints once, beside its signature::

    @validate_params(ci=Probability(), n_boot=Integer(min=0), scheme=OneOf("path", "factorial", "centroid"))
    def pls_path(data, measurement, structural=None, *, scheme="path", n_boot=0, ci=0.95): ...

and every call is checked before the body runs, with one error template naming the function,
the parameter, what was expected and what was given (a :class:`DataError`).
"""

from __future__ import annotations

import functools
import inspect
import numbers

import numpy as np

from .errors import DataError

__all__ = ["validate_params", "OneOf", "Probability", "Integer", "Real"]


class OneOf:
    def __init__(self, *choices):
        self.choices = choices

    def check(self, v):
        return v in self.choices

    def __str__(self):
        return f"one of {list(self.choices)}"


class Probability:
    """A number strictly between 0 and 1 (``closed=True``: 0 and 1 allowed)."""

    def __init__(self, closed: bool = False):
        self.closed = closed

    def check(self, v):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
            return False
        return 0 <= v <= 1 if self.closed else 0 < v < 1

    def __str__(self):
        return "a number between 0 and 1"


class _Bounded:
    """A number within optional bounds (``none_ok``: None allowed too)."""

    noun = "a finite number"

    def __init__(self, min=None, max=None, none_ok: bool = False):
        self.min, self.max, self.none_ok = min, max, none_ok

    def _type_ok(self, v) -> bool:
        return isinstance(v, numbers.Real) and bool(np.isfinite(v))

    def check(self, v):
        if v is None:
            return self.none_ok
        if isinstance(v, bool) or not self._type_ok(v):
            return False
        return (self.min is None or v >= self.min) and (self.max is None or v <= self.max)

    def __str__(self):
        parts = ([f"≥ {self.min:g}"] if self.min is not None else []) + ([f"≤ {self.max:g}"] if self.max is not None else [])
        return self.noun + (" " + " and ".join(parts) if parts else "") + (" or None" if self.none_ok else "")


class Integer(_Bounded):
    noun = "a whole number"

    def _type_ok(self, v) -> bool:
        return isinstance(v, numbers.Integral)


class Real(_Bounded):
    pass


def validate_params(**constraints):
    """Check the named parameters of every call against their constraints before the body runs."""

    def decorate(func):
        sig = inspect.signature(func)
        unknown = set(constraints) - set(sig.parameters)
        if unknown:
            raise TypeError(f"validate_params on {func.__name__}: no parameters {sorted(unknown)}")

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound = sig.bind_partial(*args, **kwargs)
            for name, rule in constraints.items():
                value = bound.arguments.get(name, sig.parameters[name].default)
                if not rule.check(value):
                    raise DataError(f"{func.__name__}: {name}={value!r} is not {rule}")
            return func(*args, **kwargs)

        return wrapper

    return decorate
