"""The learner's path in a real browser: open notebook 01 from Jupyter Lab's file browser, type
an answer into the `zero_pad` exercise, run the set-up cells, the exercise and its check cell,
and read the verdict the learner reads: ✓ for a correct answer, ✗ with a hint for a known mistake.

Drives Debian's headless Chromium through Selenium and Debian's chromedriver (set-up installs both
as root where apt exists). Screenshots and the server's log are kept in ``build/test-artifacts/``.
"""

from __future__ import annotations

import shutil
import time

import pytest
from lab_server import TOKEN, running_lab

from cnnkit.config import REPO_ROOT

ARTIFACTS = REPO_ROOT / "build" / "test-artifacts" / "browser"
NOTEBOOK = "01_convolution_basics.ipynb"
#: Seconds to wait for a cell's output: the first run imports TensorFlow in a fresh kernel.
OUTPUT_SECONDS = 180
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1400,1000")

# Typed key by key: the editor closes brackets itself, so the answers are typed on one line,
# where typing a closing bracket steps over the one the editor inserted.
CORRECT = "def zero_pad(X, pad): return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))"
PADS_EVERY_AXIS = "def zero_pad(X, pad): return np.pad(X, pad)"

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (make setup installs it)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as ready  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def _browser_or_skip():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("no Chromium and chromedriver here: set-up installs Debian's chromium and chromium-driver "
                    "as root where apt exists (make system-browser)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    return webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver), options=options)


@pytest.fixture
def browser():
    driver = _browser_or_skip()
    yield driver
    driver.quit()


def _cell_with(driver, text: str):
    """The notebook cell whose editor holds ``text``, or None."""
    for cell in driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell"):
        if text in cell.find_element(By.CSS_SELECTOR, ".cm-content").get_attribute("textContent"):
            return cell
    return None


def _next_cell(driver, cell):
    cells = driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")
    return cells[cells.index(cell) + 1]


def _replace_source(driver, cell, lines: list[str]) -> None:
    editor = cell.find_element(By.CSS_SELECTOR, ".cm-content")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", editor)
    editor.click()
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    for index, line in enumerate(lines):
        if index:
            editor.send_keys(Keys.ENTER)
        editor.send_keys(line)


def _run_command(driver, label: str) -> None:
    """Run a JupyterLab command by its label through the command palette."""
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ESCAPE)
    body.send_keys(Keys.CONTROL, Keys.SHIFT, "c")
    palette = WebDriverWait(driver, 20).until(ready.visibility_of_element_located(
        (By.CSS_SELECTOR, ".lm-CommandPalette-input")))
    palette.send_keys(label)
    time.sleep(0.5)
    palette.send_keys(Keys.ENTER)


def _output_of(cell) -> str:
    return cell.find_element(By.CSS_SELECTOR, ".jp-Cell-outputWrapper").get_attribute("textContent")


def _wait_for_output(driver, cell, text: str, shot: str) -> str:
    deadline = time.time() + OUTPUT_SECONDS
    while time.time() < deadline:
        output = _output_of(cell)
        if text in output:
            driver.save_screenshot(str(ARTIFACTS / shot))
            return output
        time.sleep(1)
    driver.save_screenshot(str(ARTIFACTS / f"failed-{shot}"))
    raise AssertionError(f"the check cell did not show {text!r} within {OUTPUT_SECONDS} s; it shows: {output[-500:]!r}")


def test_learner_answers_and_reads_the_verdict(browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    root = tmp_path / "course"
    shutil.copytree(REPO_ROOT / "notebooks", root / "notebooks")  # the learner's files are never touched
    state = tmp_path / "state"
    state.mkdir()
    # Lab draws only the cells in view by default: draw them all so that the test can find them;
    # and no news pop-up over the notebook in the screenshots.
    settings = state / "settings" / "@jupyterlab"
    for plugin, value in {"notebook-extension/tracker": '{"windowingMode": "none"}',
                          "apputils-extension/notification": '{"fetchNews": "false"}'}.items():
        (settings / plugin).parent.mkdir(parents=True, exist_ok=True)
        (settings / f"{plugin}.jupyterlab-settings").write_text(value)
    env = {"CNNKIT_FAST": "1", "CNNKIT_OFFLINE": "1", "JUPYTERLAB_SETTINGS_DIR": str(state / "settings")}
    try:
        with running_lab(root, state, env) as base:
            browser.get(f"{base}/lab/tree/notebooks?token={TOKEN}")
            wait = WebDriverWait(browser, 90)
            item = wait.until(ready.element_to_be_clickable(
                (By.CSS_SELECTOR, f'.jp-DirListing-item[title^="Name: {NOTEBOOK}"]')))
            browser.save_screenshot(str(ARTIFACTS / "1-file-browser.png"))
            webdriver.ActionChains(browser).double_click(item).perform()
            wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell .cm-content")))

            exercise = wait.until(lambda driver: _cell_with(driver, "# EXERCISE: zero_pad"))
            check_cell = _next_cell(browser, exercise)
            _replace_source(browser, exercise, ["# EXERCISE: zero_pad", CORRECT])
            check_cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").click()
            _run_command(browser, "Run All Above Selected Cell")
            check_cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").click()
            _run_command(browser, "Run Selected Cell and Do not Advance")
            output = _wait_for_output(browser, check_cell, "zero_pad:", "2-correct-answer.png")
            assert "✓ zero_pad: all checks passed." in output, output
            assert output.count("zero_pad:") == 1, f"the verdict should show once: {output!r}"

            _replace_source(browser, exercise, ["# EXERCISE: zero_pad", PADS_EVERY_AXIS])
            exercise.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").click()
            _run_command(browser, "Run Selected Cell and Do not Advance")
            check_cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").click()
            _run_command(browser, "Run Selected Cell and Do not Advance")
            output = _wait_for_output(browser, check_cell, "✗ zero_pad", "3-known-mistake.png")
            assert "You padded every axis" in output, output
    finally:
        if (state / "jupyter-lab.log").exists():
            shutil.copy(state / "jupyter-lab.log", ARTIFACTS / "jupyter-lab.log")
