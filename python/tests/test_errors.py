"""Errors raise CredenceError subclasses with the command line's messages."""
import pandas as pd
import pytest

import credence
from conftest import cli_error, network_path


@pytest.fixture(scope="module")
def asia():
    return credence.load(str(network_path("asia")))


def test_unknown_names_and_states(asia):
    path = network_path("asia")
    with pytest.raises(credence.ModelError) as e:
        asia.query("lunge")
    assert str(e.value) == cli_error("query", path, "lunge")
    with pytest.raises(credence.ModelError) as e:
        asia.query("lung", evidence={"smoke": "maybe"})
    assert str(e.value) == cli_error("query", path, "lung", "--evidence", "smoke=maybe")
    with pytest.raises(credence.CredenceError) as e:
        asia.query("lung", soft={"xray": [0.5]})
    assert str(e.value) == cli_error("query", path, "lung", "--soft", "xray=0.5")
    with pytest.raises(credence.ModelError):
        asia.states("nothing")


def test_impossible_evidence(asia):
    path = network_path("asia")
    ev = {"either": "no", "tub": "yes"}
    with pytest.raises(credence.InferenceError) as e:
        asia.query("lung", evidence=ev)
    assert str(e.value) == cli_error("query", path, "lung", "--evidence", "either=no", "--evidence", "tub=yes")


def test_files_and_formats(tmp_path):
    with pytest.raises(credence.CredenceIOError) as e:
        credence.load("/no/such/model.bif")
    assert isinstance(e.value, OSError)
    assert str(e.value) == cli_error("query", "/no/such/model.bif", "x")
    bad = tmp_path / "bad.bn"
    bad.write_text("network n\nvariable a { x, y }\nP(a) = { x: 0.5, y: 0.6 }\n")
    with pytest.raises(credence.FormatError) as e:
        credence.load(str(bad))
    assert str(e.value) == cli_error("query", bad, "a")
    with pytest.raises(credence.FormatError, match="<input>:3"):
        credence.loads(bad.read_text())
    with pytest.raises(credence.FormatError, match="unknown model format"):
        credence.loads("x", format="yaml")


def test_edits_and_options(asia):
    with pytest.raises(credence.ModelError, match="cycle"):
        asia.add_edge("dysp", "asia")
    assert asia.parents("asia") == []       # the failed edit changed nothing
    with pytest.raises(credence.UsageError, match="method must be mle, bayes or em"):
        asia.fit(asia.sample(10), method="magic")
    with pytest.raises(credence.UsageError, match="is not an edit"):
        asia.edit("query lung")
    with pytest.raises(credence.CredenceError):
        asia.score(pd.DataFrame({"smoke": ["yes"]}), "nothing")


def test_session_errors_and_undo(asia):
    s = credence.Session(asia)
    with pytest.raises(credence.UsageError, match="unknown variable 'nothing'"):
        s.run("observe nothing=yes")
    s.run("remove variable asia")
    assert "asia" not in s.network
    assert s.undo() and "asia" in s.network
    assert s.redo() and "asia" not in s.network
    assert not s.redo()
    s.run("observe smoke=yes")
    assert s.findings["evidence"] == {"smoke": "yes"}
    assert s.query("lung").iloc[0] == pytest.approx(0.1)


def test_report_warnings_take_a_count_or_a_list():
    # fit reports count the rows of probability zero; score and evaluate list them
    from credence.network import _warn, CredenceWarning
    with pytest.warns(CredenceWarning, match="^3 rows have probability zero under the fitted tables$"):
        _warn({"impossibleRows": 3})
    with pytest.warns(CredenceWarning, match=r"^row 7: smoke=yes, lung=no has probability zero"):
        _warn({"impossibleRows": [{"row": 7, "findings": ["smoke=yes", "lung=no"]}]})
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _warn({"impossibleRows": 0, "notes": []})
