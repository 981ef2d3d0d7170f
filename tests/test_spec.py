"""crm_research.spec: the one model-specification parser (lavaan syntax and construct → items)."""

import numpy as np
import pytest

from crm_research import DataError
from crm_research.spec import ModelSpec, parse_model

POLDEM = """
  # measurement model
  ind60 =~ x1 + x2 + x3
  dem60 =~ y1 + a*y2 + b*y3 +
           c*y4
  dem65 =~ y5 + a*y6 + b*y7 + c*y8
  # regressions
  dem60 ~ ind60
  dem65 ~ ind60 + dem60
  # residual correlations
  y1 ~~ y5; y2 ~~ y4 + y6
  y3 ~~ y7
  ind := a*b   ! a defined parameter
"""


def test_lavaan_syntax_fields():
    s = parse_model(POLDEM)
    assert s.measurement == {"ind60": ("x1", "x2", "x3"), "dem60": ("y1", "y2", "y3", "y4"),
                             "dem65": ("y5", "y6", "y7", "y8")}
    assert s.paths == (("ind60", "dem60"), ("ind60", "dem65"), ("dem60", "dem65"))
    assert s.covariances == (("y1", "y5"), ("y2", "y4"), ("y2", "y6"), ("y3", "y7"))
    assert s.defined == {"ind": "a*b"}
    assert s.latent == ("ind60", "dem60", "dem65")
    assert s.observed == ("x1", "x2", "x3", "y1", "y2", "y3", "y4", "y5", "y6", "y7", "y8")
    assert s.labels() == ("a", "b", "c")


def test_partable_defaults_as_lavaan():
    # lavaanify(POLDEM): 11 loadings (3 fixed), 3 regressions, 4 residual covariances,
    # 11 + 3 variances: 32 rows without means, 29 free entries before the equality labels
    tab = parse_model(POLDEM).partable()
    assert len(tab) == 32
    assert int(tab["free"].sum()) == 29
    first = tab[(tab.op == "=~")].groupby("lhs", sort=False).head(1)
    assert (first["fixed"] == 1).all() and not first["free"].any()
    assert set(tab.loc[tab.label != "", "label"]) == {"a", "b", "c"}
    # no covariance between ind60 and the endogenous factors
    assert not ((tab.op == "~~") & (tab.lhs != tab.rhs) & tab.lhs.isin(["ind60", "dem60", "dem65"])).any()


def test_partable_exogenous_and_pure_y_covariances():
    # as lavaanify(auto.cov.lv.x=TRUE, auto.cov.y=TRUE): f1, f2 exogenous covary; y1, y2 (pure y) covary
    s = parse_model("f1 =~ a + b + c\nf2 =~ d + e + f\ny1 ~ f1\ny2 ~ f2")
    tab = s.partable()
    cov = {(r.lhs, r.rhs) for r in tab.itertuples() if r.op == "~~" and r.lhs != r.rhs}
    assert cov == {("f1", "f2"), ("y1", "y2")}
    # y1 predicting y2 removes y1 from the pure outcomes (lavaan: only f2 ~~ y2-type pairs remain)
    tab2 = parse_model("f1 =~ a + b + c\ny1 ~ f1\ny2 ~ y1 + f1").partable()
    assert not ((tab2.op == "~~") & (tab2.lhs != tab2.rhs)).any()


def test_second_order_and_modifiers():
    s = parse_model("f1 =~ x1 + x2 + x3\nf2 =~ NA*x4 + x5 + 0.5*x6\ng =~ f1 + f2\nf2 ~~ 1*f2\nx1 ~ 1")
    assert s.latent == ("f1", "f2", "g")
    tab = s.partable()
    row = lambda l, o, r: tab[(tab.lhs == l) & (tab.op == o) & (tab.rhs == r)].iloc[0]
    assert row("f2", "=~", "x4")["free"] and np.isnan(row("f2", "=~", "x4")["fixed"])
    assert row("f2", "=~", "x6")["fixed"] == 0.5
    assert row("g", "=~", "f1")["fixed"] == 1
    assert row("f2", "~~", "f2")["fixed"] == 1 and not row("f2", "~~", "f2")["free"]
    assert s.intercepts == ("x1",)
    # g is the only exogenous latent: no covariance among f1, f2 (they are its indicators)
    assert not ((tab.op == "~~") & (tab.lhs != tab.rhs)).any()


def test_marker_rules_as_lavaanify():
    # lavaanify: a labelled first indicator stays fixed at 1, a numeric one at its value, and a
    # start value on the first indicator becomes its fixed value
    tab = parse_model("f =~ a*x1 + x2 + x3\ng =~ 0.5*x4 + x5 + x6\nh =~ start(0.7)*x7 + x8 + x9").partable()
    first = tab[tab.op == "=~"].groupby("lhs", sort=False).head(1).set_index("rhs")
    assert list(first["fixed"]) == [1.0, 0.5, 0.7]
    assert not first["free"].any()
    assert first.loc["x1", "label"] == "a"


def test_dict_and_instrument_give_the_same_spec():
    d = {"SQ": ["sq1", "sq2", "sq3"], "SAT": ["s1", "s2", "s3"]}

    class Construct:
        def __init__(self, items):
            self.items = items

    class Instrument:
        constructs = {k: Construct(v) for k, v in d.items()}

    a, b = parse_model(d), ModelSpec.from_instrument(Instrument())
    assert a.measurement == b.measurement == {"SQ": ("sq1", "sq2", "sq3"), "SAT": ("s1", "s2", "s3")}
    assert a.partable().equals(b.partable())
    tab = a.partable(meanstructure=True)
    assert (tab.op == "~1").sum() == 8 and tab.loc[(tab.op == "~1") & (tab.lhs == "SQ"), "fixed"].iloc[0] == 0


@pytest.mark.parametrize("text, message", [
    ("visual =~", r"line 1 .*nothing after '=~'; expected e.g. 'visual =~ x1 \+ x2 \+ x3'"),
    ("f =~ x1 + x2\nvisual x1", None),  # joined onto line 1 as a continuation: bad name
    ("f =~ x1 + + x2", r"line 1 .*empty term"),
    ("f =~ x1 + x2\n=~ x3", r"line 2 .*nothing before '=~'"),
    ("f =~ x1 + 2a*x2", r"modifier '2a' not understood"),
    ("f =~ x1 + x2\nf =~ x1", r"line 2: 'f =~ x1' repeats line 1"),
    ("f =~ x1 + a*x2\nind := a*zz", r"uses \['zz'\], which label no parameter"),
    ("f =~ x1 + x2\nind := a*(", r"line 2 .*not valid"),
    ("", r"the model is empty"),
    ("just words", r"line 1 .*no operator; expected one of =~"),
    ("f =~ c(a, b)*x1 + x2", r"per-group modifiers"),
    ("f =~ f + x1", r"cannot measure itself"),
])
def test_syntax_errors_name_the_line(text, message):
    with pytest.raises(DataError, match=message or r"is not a variable name"):
        parse_model(text)


def test_dict_errors():
    with pytest.raises(DataError, match=r"item 'a' is listed under both 'f' and 'g'"):
        parse_model({"f": ["a", "b"], "g": ["a", "c"]})
    with pytest.raises(DataError, match=r"construct 'f' has no items"):
        parse_model({"f": []})
    with pytest.raises(DataError, match="expected lavaan model syntax"):
        parse_model(42)


def test_round_trip_syntax():
    s = parse_model(POLDEM)
    again = parse_model(s.to_syntax() + "\nind := a*b")
    assert again.partable().equals(s.partable())
