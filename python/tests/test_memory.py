"""No leak: 100,000 queries (and many handles made and freed) leave the resident set where
it was after a warm-up."""
import gc
import os

import pandas as pd

import credence
from conftest import network_path


def rss_mib() -> float:
    with open(f"/proc/{os.getpid()}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_no_leak_over_100000_queries():
    net = credence.load(str(network_path("alarm")))
    states = net.states("HR")
    evidences = [{"HR": states[i % len(states)], "BP": net.states("BP")[i % 3]} for i in range(30)]

    def run(n):
        for i in range(n):
            net.query("CATECHOL", evidence=evidences[i % len(evidences)])
        net.query_all(evidences[0])
        net.mpe(evidences[1])

    run(10_000)  # warm-up: caches, plans, allocator arenas
    gc.collect()
    before = rss_mib()
    run(100_000)
    gc.collect()
    grown = rss_mib() - before
    assert grown < 8, f"resident set grew by {grown:.1f} MiB over 100,000 queries"


def test_no_leak_over_handles_and_tables():
    path = str(network_path("asia"))
    df = credence.load(path).sample(200, seed=1)

    def churn(n):
        for _ in range(n):
            net = credence.load(path)
            net.score(df, "lung")
            net.add_edge("asia", "dysp").to_string()
            try:
                net.query("nothing")
            except credence.CredenceError:
                pass
            s = credence.Session(net)
            s.run("observe smoke=yes")
            del s, net

    churn(200)
    gc.collect()
    before = rss_mib()
    churn(2000)
    gc.collect()
    assert rss_mib() - before < 8
