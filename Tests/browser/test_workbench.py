#!/usr/bin/env python3
"""The web workbench in a real browser: `credence serve` driven through Debian's chromium by
Selenium (chromium-driver), as a person would use it.

On asia (../shared/networks/asia.bif, copied to a scratch folder): click smoke=yes and read
lung's new bar (0.1); shift-click dysp=yes, a do(), and read smoke back at its prior 0.5; save
two scenarios and compare them side by side; edit a row of a CPT and undo it; upload a CSV and
fit it with EM. On alarm and pathfinder: the time from a click to the updated bars, measured in
the page with performance.now() (budgets: 50 ms on alarm, 150 ms on pathfinder; medians of
several clicks). Screenshots go to Tests/browser/artifacts/ (ignored by git).

Usage: python Tests/browser/test_workbench.py --credence .build/release/credence
Ends with the line 'N passed, N failed'; exit status 1 when a check failed.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NETWORKS = os.path.normpath(os.path.join(ROOT, "..", "shared", "networks"))
ARTIFACTS = os.path.join(ROOT, "Tests", "browser", "artifacts")
TOKEN = "browser-test-token-0123456789abcdef"


class Server:
    """`credence serve MODEL --port 0` in the background; the URL it prints."""

    def __init__(self, credence, model):
        self.proc = subprocess.Popen([credence, "serve", model, "--port", "0", "--token", TOKEN],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        self.url = None
        while time.time() < deadline and self.url is None:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("credence serve ended: " + self.proc.stderr.read())
            m = re.search(r"(http://\S+)", line)
            if m:
                self.url = m.group(1)
        if self.url is None:
            raise RuntimeError("credence serve printed no URL")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def browser():
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,800",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions"]:
        options.add_argument(arg)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


class Page:
    def __init__(self, driver, url):
        self.d = driver
        self.d.get(url)
        WebDriverWait(self.d, 30).until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
        WebDriverWait(self.d, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#graph g.node"))

    def p(self, variable, state):
        """The probability a bar shows (its data-p, and its width over the bar length)."""
        return self.d.execute_script(
            "const b = document.querySelector(`#graph g.node[data-variable='${arguments[0]}'] rect.bar[data-state='${arguments[1]}']`);"
            "return [parseFloat(b.dataset.p), parseFloat(b.getAttribute('width')) / 90];", variable, state)

    def hit(self, variable, state):
        return self.d.find_element(By.CSS_SELECTOR, f"#graph g.node[data-variable='{variable}'] rect.hit[data-state='{state}']")

    def click(self, variable, state, shift=False):
        before = len(self.timings())
        el = self.hit(variable, state)
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center'})", el)
        if shift:
            ActionChains(self.d).key_down(Keys.SHIFT).click(el).key_up(Keys.SHIFT).perform()
        else:
            el.click()
        WebDriverWait(self.d, 20).until(lambda d: len(self.timings()) > before)
        self.no_error()

    def timings(self):
        return self.d.execute_script("return window.credence.timings")

    def no_error(self):
        box = self.d.find_element(By.ID, "error")
        assert not box.is_displayed(), "the page shows an error: " + box.text

    def wait_state(self, predicate, what, timeout=20):
        WebDriverWait(self.d, timeout).until(lambda d: predicate(d.execute_script("return window.credence.state")), message=what)

    def open_panel(self, panel):
        self.d.execute_script("document.getElementById(arguments[0]).open = true", panel)

    def shot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, name + ".png")
        self.d.save_screenshot(path)
        return path


def close(a, b, tol=1e-6):
    return abs(a - b) <= tol


# ---- the checks ---------------------------------------------------------------------------

def check_observe_and_retract(page):
    prior = page.p("lung", "yes")[0]
    assert close(prior, 0.055), f"lung=yes before any finding: {prior}, expected 0.055"
    page.click("smoke", "yes")
    p, width = page.p("lung", "yes")
    assert close(p, 0.1) and close(width, 0.1, 1e-3), f"lung=yes given smoke=yes: bar {p} (width {width}), expected 0.1"
    assert page.d.execute_script("return window.credence.state.findings.evidence.smoke") == "yes"
    page.shot("asia-smoke-yes")
    page.click("smoke", "yes")  # again: retract
    assert close(page.p("lung", "yes")[0], 0.055), "a second click on smoke=yes should retract it"
    assert page.d.execute_script("return Object.keys(window.credence.state.findings.evidence).length") == 0


def check_do(page):
    page.click("dysp", "yes", shift=True)
    assert page.d.execute_script("return window.credence.state.findings.do.dysp") == "yes", "shift-click should set do(dysp=yes)"
    p = page.p("smoke", "yes")[0]
    assert close(p, 0.5), f"smoke=yes under do(dysp=yes): {p}, expected the prior 0.5 (an intervention tells nothing about causes)"
    page.click("dysp", "yes")  # observing dysp replaces the intervention
    p_obs = page.p("smoke", "yes")[0]
    assert p_obs > 0.6, f"smoke=yes given dysp=yes observed: {p_obs}, expected above 0.6"
    page.click("dysp", "yes")  # retract


def check_scenarios(page):
    page.open_panel("scenario-panel")
    page.click("smoke", "yes")
    page.d.find_element(By.ID, "scenario-name").send_keys("smoker")
    page.d.find_element(By.ID, "scenario-save").click()
    page.wait_state(lambda s: len(s["scenarios"]) == 1, "first scenario saved")
    page.click("smoke", "no")
    page.d.find_element(By.ID, "scenario-name").send_keys("non-smoker")
    page.d.find_element(By.ID, "scenario-save").click()
    page.wait_state(lambda s: len(s["scenarios"]) == 2, "second scenario saved")
    page.d.execute_script("document.getElementById('compare-target').value = 'lung'")
    page.d.find_element(By.ID, "scenario-compare").click()
    WebDriverWait(page.d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#comparison-table td[data-scenario]"))
    cells = {(c.get_attribute("data-scenario"), c.get_attribute("data-state")): float(c.get_attribute("data-p"))
             for c in page.d.find_elements(By.CSS_SELECTOR, "#comparison-table td[data-scenario]")}
    assert close(cells[("smoker", "yes")], 0.1), f"P(lung=yes | smoker) = {cells[('smoker', 'yes')]}, expected 0.1"
    assert close(cells[("non-smoker", "yes")], 0.01), f"P(lung=yes | non-smoker) = {cells[('non-smoker', 'yes')]}, expected 0.01"
    page.shot("asia-scenarios")
    page.d.find_element(By.ID, "clear").click()
    page.wait_state(lambda s: s["findingsText"] == "(none)", "findings cleared")


def check_cpt_edit_and_undo(page):
    page.d.find_element(By.CSS_SELECTOR, "#graph g.node[data-variable='lung'] text.name").click()
    WebDriverWait(page.d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#cpt-table tr[data-row]"))
    # lung's table: P(lung | smoke); row 0 is smoke=yes (0.1, 0.9). An invalid row first:
    row = page.d.find_element(By.CSS_SELECTOR, "#cpt-table tr[data-row='0']")
    inputs = row.find_elements(By.TAG_NAME, "input")
    for el, v in zip(inputs, ["0.5", "0.9"]):
        el.clear(); el.send_keys(v)
    row.find_element(By.CSS_SELECTOR, "button.set-row").click()
    WebDriverWait(page.d, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "#cpt-table tr[data-row='0'] td.error").text != "")
    message = page.d.find_element(By.CSS_SELECTOR, "#cpt-table tr[data-row='0'] td.error").text
    assert "sum" in message.lower() or "1" in message, f"the error in place should say the row must sum to 1: {message!r}"
    page.shot("asia-cpt-invalid")
    row = page.d.find_element(By.CSS_SELECTOR, "#cpt-table tr[data-row='0']")
    inputs = row.find_elements(By.TAG_NAME, "input")
    for el, v in zip(inputs, ["0.3", "0.7"]):
        el.clear(); el.send_keys(v)
    row.find_element(By.CSS_SELECTOR, "button.set-row").click()
    page.wait_state(lambda s: s["canUndo"], "the edit is undoable")
    WebDriverWait(page.d, 20).until(lambda d: close(page.p("lung", "yes")[0], 0.5 * 0.3 + 0.5 * 0.01))
    page.d.find_element(By.ID, "undo").click()
    page.wait_state(lambda s: not s["canUndo"] and s["canRedo"], "undone")
    WebDriverWait(page.d, 20).until(lambda d: close(page.p("lung", "yes")[0], 0.055))
    page.no_error()


def check_upload_and_fit(page, credence, folder):
    csv = os.path.join(folder, "asia-sample.csv")
    subprocess.run([credence, "sample", os.path.join(folder, "asia.bif"), "-n", "2000", "--seed", "7",
                    "--missing", "0.2", "--output", csv], check=True, capture_output=True)
    page.open_panel("data-panel")
    page.d.find_element(By.ID, "data-file").send_keys(csv)
    page.d.find_element(By.ID, "data-upload").click()
    WebDriverWait(page.d, 30).until(lambda d: "2000 rows" in d.find_element(By.ID, "data-info").text)
    page.d.find_element(By.ID, "fit-run").click()
    WebDriverWait(page.d, 120).until(lambda d: d.find_element(By.ID, "fit-info").get_attribute("data-state") in ("done", "failed"))
    info = page.d.find_element(By.ID, "fit-info").text
    assert page.d.find_element(By.ID, "fit-info").get_attribute("data-state") == "done", "fit failed: " + info
    assert "EM iterations" in info, info
    # The progress came as server-sent events (GET /api/fit/events), every iteration of them.
    fit_info = page.d.find_element(By.ID, "fit-info")
    assert fit_info.get_attribute("data-transport") == "events", fit_info.get_attribute("data-transport")
    iterations = int(re.search(r"(\d+) EM iterations", info).group(1))
    assert fit_info.get_attribute("data-iterations-seen") == str(iterations), (fit_info.get_attribute("data-iterations-seen"), info)
    assert page.d.find_element(By.ID, "fit-progress").get_attribute("value") == "100"
    page.wait_state(lambda s: s["canUndo"] and s["dirty"], "the fit changed the model, undoably")
    fitted = page.p("lung", "yes")[0]
    assert 0.02 < fitted < 0.12, f"lung=yes after fitting to 2000 samples of asia: {fitted}"
    page.shot("asia-fitted")
    assert os.path.exists(os.path.join(folder, "uploads", "asia-sample.csv")), "the upload lands in the served folder's uploads/"


def check_search(page):
    search = page.d.find_element(By.ID, "search")
    page.d.find_element(By.TAG_NAME, "body").send_keys("/")
    search.send_keys("bron" + Keys.ENTER)
    WebDriverWait(page.d, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#graph g.node.found[data-variable='bronc']"))


def click_times(page, variables):
    """Median and max click-to-bars time over clicks on each variable's first shown state,
    twice (observe, then retract)."""
    page.d.execute_script("window.credence.timings = []")
    for v in variables:
        s = page.d.find_element(By.CSS_SELECTOR, f"#graph g.node[data-variable='{v}'] rect.hit").get_attribute("data-state")
        page.click(v, s)
        page.click(v, s)
    t = page.timings()
    return statistics.median(t), max(t), t


def run(credence):
    folder = tempfile.mkdtemp(prefix="credence-browser-")
    for name in ["asia.bif", "alarm.bif", "pathfinder.bif"]:
        shutil.copy(os.path.join(NETWORKS, name), folder)
    results = []

    def check(name, fn, *args):
        try:
            fn(*args)
            results.append((name, True))
            print(f"ok   {name}")
        except Exception:
            results.append((name, False))
            print(f"FAIL {name}\n{traceback.format_exc()}")

    driver = browser()
    try:
        server = Server(credence, os.path.join(folder, "asia.bif"))
        try:
            page = Page(driver, server.url)
            check("asia: click smoke=yes moves lung's bar to 0.1; a second click retracts", check_observe_and_retract, page)
            check("asia: shift-click do(dysp=yes) leaves smoke at 0.5", check_do, page)
            check("asia: two scenarios saved and compared", check_scenarios, page)
            check("asia: a CPT row edited (an invalid one refused in place), then undone", check_cpt_edit_and_undo, page)
            check("asia: keyboard search finds a node", check_search, page)
            check("asia: a CSV uploaded and fitted by EM with progress", check_upload_and_fit, page, credence, folder)
            page.shot("workbench-asia")
        finally:
            server.stop()
        for name, clicks, budget in [("alarm", ["HYPOVOLEMIA", "LVFAILURE", "CATECHOL", "HR", "BP", "SAO2"], 50),
                                     ("pathfinder", ["Fault", "F40", "F1", "F65", "F2"], 150)]:
            server = Server(credence, os.path.join(folder, name + ".bif"))
            try:
                page = Page(driver, server.url)

                def timed(page=page, clicks=clicks, budget=budget, name=name):
                    median, worst, all_times = click_times(page, clicks)
                    print(f"     {name}: click to bars median {median:.1f} ms, max {worst:.1f} ms over {len(all_times)} clicks "
                          f"({', '.join(f'{x:.1f}' for x in all_times)})")
                    assert median < budget, f"{name}: median click-to-bars {median:.1f} ms, budget {budget} ms"
                    page.shot(f"workbench-{name}")
                check(f"{name}: click to updated bars under {budget} ms (median)", timed)
            finally:
                server.stop()
    finally:
        driver.quit()
        shutil.rmtree(folder, ignore_errors=True)
    passed = sum(1 for _, ok in results if ok)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--credence", default=os.path.join(ROOT, ".build", "release", "credence"))
    sys.exit(run(os.path.abspath(parser.parse_args().credence)))
