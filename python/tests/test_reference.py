"""Every answer of the API against the command line's on the reference queries of
../shared/reference (1e-12), and against the reference posteriors (1e-9)."""
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import credence
from conftest import cli_json, evidence_args, network_path, reference, reference_names

NAMES = reference_names()


@pytest.fixture(scope="module")
def networks():
    return {}


def load(networks, name):
    if name not in networks:
        networks[name] = credence.load(str(network_path(name)))
    return networks[name]


@pytest.mark.parametrize("name", NAMES)
def test_query_matches_cli_and_reference(networks, name):
    net = load(networks, name)
    ref = reference(name)
    queries = ref["queries"]

    def ask_cli(q):
        return cli_json("query", network_path(name), q["target"], *evidence_args(q["evidence"]))

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(ask_cli, queries))
    for q, want in zip(queries, answers):
        got = net.query(q["target"], evidence=q["evidence"])
        assert list(got.index) == ref["states"][q["target"]]
        assert np.max(np.abs(got.to_numpy() - np.array(want["marginals"][0]["probabilities"]))) <= 1e-12
        assert np.max(np.abs(got.to_numpy() - np.array(q["posterior"]))) <= 1e-9
        p = net.probability(q["evidence"])
        assert abs(p - want["probabilityOfEvidence"]) <= 1e-12 * max(1.0, p)
        assert math.isclose(p, q["p_evidence"], rel_tol=1e-9, abs_tol=1e-300)
        assert abs(net.probability(q["evidence"], log=True) - want["logProbabilityOfEvidence"]) <= 1e-12 * max(1, abs(want["logProbabilityOfEvidence"]))


@pytest.mark.parametrize("name", [n for n in NAMES if n not in ("andes", "pathfinder", "munin1", "mildew", "barley")][:8])
def test_query_all_matches_reference(networks, name):
    net = load(networks, name)
    ref = reference(name)
    for q in ref["queries"][:5]:
        if "all_marginals" not in q:
            continue
        got = net.query_all(q["evidence"])
        for v, want in q["all_marginals"].items():
            assert np.max(np.abs(got[v].to_numpy() - np.array(want))) <= 1e-9


@pytest.mark.parametrize("name", ["asia", "alarm", "child", "insurance"])
def test_joint_mpe_map_explain_match_cli(networks, name):
    net = load(networks, name)
    ref = reference(name)
    path = network_path(name)
    for q in ref["queries"][:3]:
        ev = q["evidence"]
        others = [v for v in net.variables if v not in ev and v != q["target"]][:1]
        targets = [q["target"]] + others
        joint = net.query(targets, evidence=ev)
        want = cli_json("query", path, *targets, *evidence_args(ev))
        assert joint.index.names == targets
        want_joint = {tuple(r["states"]): r["probability"] for r in want["joint"]}
        for key, p in joint.items():
            assert abs(p - want_joint[key]) <= 1e-12
        mpe = net.mpe(ev)
        want = cli_json("query", path, "--mpe", *evidence_args(ev))
        assert mpe.states == want["assignment"] and list(mpe.states) == want["variables"]
        assert abs(mpe.joint_probability - want["jointProbability"]) <= 1e-12
        assert abs(mpe.posterior_probability - want["posteriorProbability"]) <= 1e-12
        m = net.map(targets, ev)
        want = cli_json("query", path, *targets, "--map", *evidence_args(ev))
        assert m.states == want["assignment"] and m.kind == "MAP"
        assert abs(m.posterior_probability - want["posteriorProbability"]) <= 1e-12
        x = net.explain(q["target"], ev, top=5)
        want = cli_json("explain", path, q["target"], "--top", 5, *evidence_args(ev))
        assert x == want


def test_soft_and_do_match_cli(networks):
    net = load(networks, "asia")
    path = network_path("asia")
    got = net.query("lung", evidence={"smoke": "yes"}, soft={"xray": [0.8, 0.3]}, do={"bronc": "yes"})
    want = cli_json("query", path, "lung", "--evidence", "smoke=yes", "--soft", "xray=0.8,0.3", "--do", "bronc=yes")
    assert np.max(np.abs(got.to_numpy() - want["marginals"][0]["probabilities"])) <= 1e-12
    assert net.query_json("lung", {"smoke": "yes"}, {"xray": [0.8, 0.3]}, {"bronc": "yes"}) == want
