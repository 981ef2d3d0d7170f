"""One model specification for the whole package: lavaan model syntax or construct → items.

:func:`parse_model` reads the model syntax of lavaan (Rosseel, 2012) — the language AMOS users
meet in every SEM tutorial — and returns a frozen :class:`ModelSpec`:

=========  =============================================  ===============================
operator   meaning                                        example
=========  =============================================  ===============================
``=~``     is measured by (latent → indicators)           ``SQ =~ sq1 + sq2 + sq3``
``~``      is regressed on (structural path)              ``SAT ~ a*SQ + PV``
``~~``     (residual) variance / covariance               ``y1 ~~ y5``
``~ 1``    intercept                                      ``y1 ~ 1``
``:=``     defined parameter (indirect / total effect)    ``ind := a*b``
``==``     equality constraint between labels             ``a == b``
=========  =============================================  ===============================

Modifiers before a variable: a label (``a*x``), a fixed value (``1*x``, ``0.5*x``), a free
parameter (``NA*x``; frees the first loading, which is otherwise fixed to 1), ``start(0.5)*x``.
Comments start with ``#`` or ``!``; a statement may run over several lines (a line that ends in
``+`` or ``*``, or begins with ``+``, continues the previous one); ``;`` separates statements.
Second-order factors are latent variables measured by other latent variables
(``SERV =~ SQ + PV``).

A dict construct → items (or an instrument with ``.constructs``) is a CFA: each construct is
measured by its items, in order.

:meth:`ModelSpec.partable` is the parameter table with lavaan's defaults for ``sem()``/``cfa()``
(``auto.fix.first``, ``auto.var``, ``auto.cov.lv.x``, ``auto.cov.y``): the first loading of each
factor fixed to 1, residual variances of every observed and latent variable free, covariances of
the exogenous latent variables free, residual covariances of the endogenous variables that
predict nothing free. The engine :func:`crm_research.sem.sem` fits exactly that table.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ._core.errors import DataError

__all__ = ["ModelSpec", "parse_model", "OPERATORS"]

#: operators in the order they are searched for in a statement
OPERATORS = (":=", "=~", "~~", "==", "<", ">", "~")

_NAME = re.compile(r"^[A-Za-z_.\u4e00-\u9fff][\w.\u4e00-\u9fff]*$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Term:
    """One right-hand-side term: variable ``name`` with its optional modifier."""

    name: str
    label: str | None = None
    fixed: float | None = None
    free: bool = False          # NA*x
    start: float | None = None


@dataclass(frozen=True)
class Statement:
    lhs: str
    op: str
    rhs: str
    label: str | None = None
    fixed: float | None = None
    free: bool = False
    start: float | None = None
    line: int = 0


@dataclass(frozen=True)
class ModelSpec:
    """A parsed model.

    Fields
    ------
    measurement : construct → indicators (observed or latent, in the order written)
    paths : ``(predictor, outcome)`` pairs of the structural regressions (``outcome ~ predictor``)
    covariances : ``(a, b)`` pairs written with ``~~`` (``a == b`` for a variance)
    intercepts : variables with a written ``~ 1``
    defined : name → expression of ``:=`` parameters
    constraints : ``(lhs, op, rhs)`` of ``==``, ``<``, ``>``
    observed : observed variable names in order of first appearance
    latent : latent variable names in order of first appearance
    statements : every parsed statement (with its modifiers and line number)
    """

    measurement: dict
    paths: tuple
    covariances: tuple
    intercepts: tuple
    defined: dict
    constraints: tuple
    observed: tuple
    latent: tuple
    statements: tuple = field(repr=False)
    source: str = field(default="", repr=False)

    # -- construction ----------------------------------------------------------------------------
    @classmethod
    def from_instrument(cls, instrument) -> "ModelSpec":
        """The CFA of an instrument: each of ``instrument.constructs`` measured by its items.

        Values of ``constructs`` may be item lists or objects with an ``items`` attribute."""
        constructs = getattr(instrument, "constructs", None)
        if not isinstance(constructs, Mapping):
            raise DataError(f"ModelSpec.from_instrument: expected an object with a 'constructs' mapping, "
                            f"got {type(instrument).__name__}")
        return _from_dict({k: getattr(v, "items", v) for k, v in constructs.items()}, "from_instrument")

    # -- derived names ---------------------------------------------------------------------------
    @property
    def variables(self) -> tuple:
        """Observed then latent variables."""
        return self.observed + self.latent

    @property
    def endogenous(self) -> tuple:
        """Variables with a residual: regressed outcomes, indicators of latent variables."""
        ind = {v for items in self.measurement.values() for v in items}
        ys = {b for _, b in self.paths}
        return tuple(v for v in self.variables if v in ind or v in ys)

    def labels(self) -> tuple:
        """Labels used by parameters, in order of first use."""
        out = []
        for s in self.statements:
            if s.label and s.label not in out:
                out.append(s.label)
        return tuple(out)

    def to_syntax(self) -> str:
        """The model as lavaan syntax (statements as parsed)."""
        lines = []
        for s in self.statements:
            mod = s.label if s.label else (_num(s.fixed) if s.fixed is not None else ("NA" if s.free else None))
            rhs = f"{mod}*{s.rhs}" if mod else s.rhs
            lines.append(f"{s.lhs} {s.op} {rhs}")
        return "\n".join(lines)

    # -- parameter table -------------------------------------------------------------------------
    def partable(self, *, meanstructure: bool = False) -> pd.DataFrame:
        """lavaan's parameter table for this model with ``sem()``'s defaults.

        Columns: ``lhs``, ``op``, ``rhs``, ``label`` ("" when none), ``fixed`` (the fixed value,
        NaN when free), ``free`` (bool), ``start`` (user start value or NaN), ``user`` (True for
        written statements). With ``meanstructure`` the intercepts of observed variables are
        free (``~1``) and latent means fixed to 0, as lavaan does with groups or FIML.
        """
        rows: list[dict] = []
        seen: dict[tuple, int] = {}

        def add(lhs, op, rhs, label=None, fixed=None, free=True, start=None, user=False):
            key = (lhs, op, rhs)
            if op == "~~" and (rhs, op, lhs) in seen:
                key = (rhs, op, lhs)
            if key in seen:
                if user:  # a written statement overrides a default one
                    rows[seen[key]].update(label=label or "", fixed=np.nan if fixed is None else fixed,
                                           free=fixed is None, start=np.nan if start is None else start, user=True)
                return
            seen[key] = len(rows)
            rows.append(dict(lhs=key[0], op=op, rhs=key[2], label=label or "",
                             fixed=np.nan if fixed is None else float(fixed), free=fixed is None,
                             start=np.nan if start is None else float(start), user=user))

        first_done: set = set()
        for s in self.statements:
            if s.op == "=~":
                fixed = s.fixed
                if s.lhs not in first_done:
                    first_done.add(s.lhs)
                    if fixed is None and not s.free:
                        # the marker: fixed to 1 even when labelled; lavaan fixes it at a start
                        # value when one is given (start(0.7)*x1)
                        fixed = s.start if s.start is not None else 1.0
                add(s.lhs, "=~", s.rhs, s.label, fixed, start=s.start, user=True)
            elif s.op in ("~", "~~", "~1"):
                add(s.lhs, s.op, s.rhs, s.label, s.fixed, start=s.start, user=True)
        # variances of every variable (residual variances for endogenous ones)
        for v in self.observed + self.latent:
            add(v, "~~", v)
        # covariances among exogenous latent variables
        ind = {v for items in self.measurement.values() for v in items}
        ys = {b for _, b in self.paths}
        xs = {a for a, _ in self.paths}
        lv_x = [v for v in self.latent if v not in ys and v not in ind]
        for i, a in enumerate(lv_x):
            for b in lv_x[i + 1:]:
                add(a, "~~", b)
        # residual covariances among endogenous variables that predict nothing (auto.cov.y)
        pure_y = [v for v in self.variables if v in ys and v not in xs and v not in ind]
        for i, a in enumerate(pure_y):
            for b in pure_y[i + 1:]:
                add(a, "~~", b)
        # covariances among observed exogenous variables (predictors that are not outcomes)
        ov_x = [v for v in self.observed if v in xs and v not in ys and v not in ind]
        for i, a in enumerate(ov_x):
            for b in ov_x[i + 1:]:
                add(a, "~~", b)
        if meanstructure:
            for v in self.observed:
                add(v, "~1", "")
            for v in self.latent:
                add(v, "~1", "", fixed=0.0)
        tab = pd.DataFrame(rows, columns=["lhs", "op", "rhs", "label", "fixed", "free", "start", "user"])
        tab["free"] = tab["free"].astype(bool)
        tab["user"] = tab["user"].astype(bool)
        return tab


def _num(v: float) -> str:
    return repr(float(v)).rstrip("0").rstrip(".") if v == int(v) else repr(float(v))


# ---------------------------------------------------------------------------------------------
# parsing


def parse_model(model) -> ModelSpec:
    """Parse a model: lavaan syntax (str), a dict construct → items, a :class:`ModelSpec`, or an
    instrument with ``.constructs``.

    Examples
    --------
    >>> spec = parse_model('''
    ...   visual  =~ x1 + x2 + x3
    ...   textual =~ x4 + x5 + x6
    ...   textual ~ a*visual      # a labelled path
    ... ''')
    >>> spec.measurement["visual"], spec.paths
    (('x1', 'x2', 'x3'), (('visual', 'textual'),))
    >>> parse_model({"SQ": ["sq1", "sq2", "sq3"]}).observed
    ('sq1', 'sq2', 'sq3')

    Errors name the line and what was expected::

        crm_research.DataError: model syntax, line 2 ('visual =~'): no indicators after '=~';
        expected e.g. 'visual =~ x1 + x2 + x3'
    """
    if isinstance(model, ModelSpec):
        return model
    if isinstance(model, str):
        return _from_syntax(model)
    if isinstance(model, Mapping):
        return _from_dict(model, "parse_model")
    if hasattr(model, "constructs"):
        return ModelSpec.from_instrument(model)
    raise DataError(f"parse_model: expected lavaan model syntax (str) or a dict construct → items, "
                    f"got {type(model).__name__}")


def _from_dict(model: Mapping, func: str) -> ModelSpec:
    if not model:
        raise DataError(f"{func}: the model has no constructs; expected e.g. {{'SQ': ['sq1', 'sq2', 'sq3']}}")
    lines = []
    seen: dict[str, str] = {}
    for name, items in model.items():
        if isinstance(items, str) or not hasattr(items, "__iter__"):
            raise DataError(f"{func}: construct {name!r} must map to a list of items, got {items!r}")
        items = list(items)
        if not items:
            raise DataError(f"{func}: construct {name!r} has no items")
        for it in items:
            if it in seen:
                raise DataError(f"{func}: item {it!r} is listed under both {seen[it]!r} and {name!r}; "
                                f"for a cross-loading write the model in lavaan syntax")
            seen[it] = name
        lines.append((name, [str(i) for i in items]))
    # names that are not valid in model syntax ("Logistics cost", "Q1 score") are parsed as
    # placeholders and put back afterwards: in a dict any name is a name
    alias: dict[str, str] = {}

    def safe(n: str) -> str:
        n = str(n)
        if _NAME.match(n):
            return n
        return alias.setdefault(n, f"_v{len(alias)}_")

    text = "\n".join(f"{safe(name)} =~ " + " + ".join(safe(i) for i in items) for name, items in lines)
    spec = _from_syntax(text, names_checked=False)
    return _renamed(spec, {v: k for k, v in alias.items()}) if alias else spec


def _renamed(spec: "ModelSpec", back: dict) -> "ModelSpec":
    """``spec`` with every variable name in ``back`` replaced (measurement models only)."""
    import dataclasses

    r = lambda n: back.get(n, n)  # noqa: E731
    return dataclasses.replace(
        spec, measurement={r(k): tuple(r(i) for i in v) for k, v in spec.measurement.items()},
        observed=tuple(r(n) for n in spec.observed), latent=tuple(r(n) for n in spec.latent),
        statements=tuple(dataclasses.replace(st, lhs=r(st.lhs), rhs=r(st.rhs)) for st in spec.statements))


def _strip_comment(line: str) -> str:
    out = []
    quote = None
    for ch in line:
        if quote:
            out.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "#!":
            break
        out.append(ch)
    return "".join(out)


def _statements(text: str) -> list[tuple[int, str]]:
    """(line number, statement) pairs: comments dropped, continuation lines joined."""
    out: list[list] = []
    for no, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw).strip()
        for part in [p.strip() for p in line.split(";")]:
            if not part:
                continue
            if out and (out[-1][1].endswith(("+", "*", "=~", "~", "~~", ":=", "==")) or part.startswith(("+", "*"))
                        or not any(op in part for op in OPERATORS)):
                out[-1][1] = out[-1][1] + " " + part
            else:
                out.append([no, part])
    return [(no, s) for no, s in out]


def _split_op(no: int, stmt: str) -> tuple[str, str, str]:
    for op in OPERATORS:
        i = stmt.find(op)
        if i >= 0:
            # '~' must not be part of '~~' or '=~' (already searched first)
            return stmt[:i].strip(), op, stmt[i + len(op):].strip()
    raise DataError(f"model syntax, line {no} ({stmt!r}): no operator; expected one of "
                    f"=~ (measured by), ~ (regressed on), ~~ (covariance), := (defined parameter)")


def _check_name(no, stmt, name, what="a variable name") -> str:
    if not _NAME.match(name):
        raise DataError(f"model syntax, line {no} ({stmt!r}): {name!r} is not {what}; expected letters, "
                        f"digits, '_' or '.' starting with a letter")
    return name


def _modifier(no: int, stmt: str, mod: str) -> dict:
    mod = mod.strip()
    if mod in ("NA", "na"):
        return {"free": True}
    if _NUMBER.match(mod):
        return {"fixed": float(mod)}
    m = re.match(r"^start\((.+)\)$", mod)
    if m and _NUMBER.match(m.group(1).strip()):
        return {"start": float(m.group(1))}
    m = re.match(r"^(?:label|equal)\(\s*[\"'](.+)[\"']\s*\)$", mod)
    if m:
        return {"label": _check_name(no, stmt, m.group(1), "a label")}
    if mod.startswith("c("):
        raise DataError(f"model syntax, line {no} ({stmt!r}): per-group modifiers {mod} are not supported; "
                        f"use sem(..., equal=[...]) for equality constraints across groups")
    if _NAME.match(mod):
        return {"label": mod}
    raise DataError(f"model syntax, line {no} ({stmt!r}): modifier {mod!r} not understood; expected a label "
                    f"(a*x), a number (1*x), NA (NA*x) or start(0.5)*x")


def _terms(no: int, stmt: str, rhs: str, op: str, lhs: str) -> list[Term]:
    if not rhs:
        example = {"=~": f"{lhs} =~ x1 + x2 + x3", "~": f"{lhs} ~ x1 + x2", "~~": f"{lhs} ~~ x2"}[op]
        raise DataError(f"model syntax, line {no} ({stmt!r}): nothing after '{op}'; expected e.g. '{example}'")
    out = []
    for raw in rhs.split("+"):
        raw = raw.strip()
        if not raw:
            raise DataError(f"model syntax, line {no} ({stmt!r}): an empty term between '+' signs; "
                            f"expected a variable name after each '+'")
        parts = [p.strip() for p in raw.split("*")]
        name = parts[-1]
        if op == "~" and name == "1" and len(parts) == 1:
            out.append(Term("1"))
            continue
        _check_name(no, stmt, name)
        mods: dict[str, Any] = {}
        for mod in parts[:-1]:
            for k, v in _modifier(no, stmt, mod).items():
                mods[k] = v
        if "fixed" in mods and "label" in mods:
            pass
        out.append(Term(name, **mods))
    return out


def _from_syntax(text: str, names_checked: bool = True) -> ModelSpec:
    if not text or not text.strip():
        raise DataError("model syntax: the model is empty; expected lines such as 'SQ =~ sq1 + sq2 + sq3'")
    statements: list[Statement] = []
    defined: dict[str, str] = {}
    constraints: list[tuple] = []
    for no, stmt in _statements(text):
        lhs, op, rhs = _split_op(no, stmt)
        if not lhs:
            raise DataError(f"model syntax, line {no} ({stmt!r}): nothing before '{op}'; expected a variable "
                            f"{'or parameter ' if op in (':=', '==') else ''}name")
        if op == ":=":
            _check_name(no, stmt, lhs, "a parameter name")
            if not rhs:
                raise DataError(f"model syntax, line {no} ({stmt!r}): nothing after ':='; expected e.g. "
                                f"'{lhs} := a*b'")
            try:
                tree = ast.parse(rhs, mode="eval")
            except SyntaxError:
                raise DataError(f"model syntax, line {no} ({stmt!r}): the expression {rhs!r} is not valid; "
                                f"expected arithmetic on labels such as 'a*b' or 'c + a*b'") from None
            for node in ast.walk(tree):
                if not isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant,
                                         ast.Call, ast.operator, ast.unaryop)):
                    raise DataError(f"model syntax, line {no} ({stmt!r}): {type(node).__name__} is not allowed "
                                    f"in a defined parameter; use + - * / ** and functions such as sqrt, exp")
            if lhs in defined:
                raise DataError(f"model syntax, line {no} ({stmt!r}): {lhs!r} is defined twice")
            defined[lhs] = rhs
            continue
        if op in ("==", "<", ">"):
            if not rhs:
                raise DataError(f"model syntax, line {no} ({stmt!r}): nothing after '{op}'; expected e.g. 'a {op} b'")
            constraints.append((lhs, op, rhs))
            continue
        lhs_names = [x.strip() for x in lhs.split("+")]
        for name in lhs_names:
            _check_name(no, stmt, name)
        terms = _terms(no, stmt, rhs, op, lhs)
        for lname in lhs_names:
            for t in terms:
                if t.name == "1":
                    if op != "~":
                        raise DataError(f"model syntax, line {no} ({stmt!r}): '1' is only an intercept in "
                                        f"'{lname} ~ 1'")
                    statements.append(Statement(lname, "~1", "", t.label, t.fixed, t.free, t.start, no))
                elif op == "=~" and t.name == lname:
                    raise DataError(f"model syntax, line {no} ({stmt!r}): {lname!r} cannot measure itself")
                elif op == "~" and t.name == lname:
                    raise DataError(f"model syntax, line {no} ({stmt!r}): {lname!r} cannot be regressed on itself")
                else:
                    statements.append(Statement(lname, op, t.name, t.label, t.fixed, t.free, t.start, no))
    # duplicates
    seen: dict[tuple, int] = {}
    for s in statements:
        key = (s.lhs, s.op, s.rhs) if s.op != "~~" else tuple(sorted((s.lhs, s.rhs))) + ("~~",)
        if key in seen:
            raise DataError(f"model syntax, line {s.line}: '{s.lhs} {s.op} {s.rhs}' repeats line {seen[key]}; "
                            f"write each parameter once")
        seen[key] = s.line
    if not statements:
        raise DataError("model syntax: no =~, ~ or ~~ statement; expected lines such as 'SQ =~ sq1 + sq2 + sq3'")
    measurement: dict[str, list] = {}
    for s in statements:
        if s.op == "=~":
            measurement.setdefault(s.lhs, []).append(s.rhs)
    latent = tuple(measurement)
    order: list[str] = []
    for s in statements:
        for v in (s.lhs, s.rhs):
            if v and v not in order:
                order.append(v)
    observed = tuple(v for v in order if v not in measurement)
    for name in list(defined):
        if name in order:
            raise DataError(f"model syntax: defined parameter {name!r} has the name of a variable; rename it")
    labels = {s.label for s in statements if s.label}
    for name, expr in defined.items():
        used = {n.id for n in ast.walk(ast.parse(expr, mode="eval")) if isinstance(n, ast.Name)}
        unknown = sorted(used - labels - set(defined) - _FUNCS)
        if unknown:
            raise DataError(f"model syntax: defined parameter {name} := {expr} uses {unknown}, which label no "
                            f"parameter; label the paths first, e.g. 'y ~ a*x'")
    return ModelSpec(
        measurement={k: tuple(v) for k, v in measurement.items()},
        paths=tuple((s.rhs, s.lhs) for s in statements if s.op == "~"),
        covariances=tuple((s.lhs, s.rhs) for s in statements if s.op == "~~"),
        intercepts=tuple(s.lhs for s in statements if s.op == "~1"),
        defined=dict(defined), constraints=tuple(constraints), observed=observed, latent=latent,
        statements=tuple(statements), source=text)


#: functions allowed in ``:=`` expressions (evaluated with numpy)
_FUNCS = {"sqrt", "exp", "log", "abs"}
