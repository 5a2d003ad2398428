"""The workbench in a real headless Chromium (Debian's chromium and chromium-driver, driven by
selenium): choose two tables and a broken file, see three result lines, open a table, click a
finding and see its row highlighted, download the summary workbook and read it back.

Without a browser the test is skipped and says why; it never passes without one. With
``PERFSCORE_SCREENSHOTS=DIR`` it also saves the screenshots docs/workbench.md shows.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
EXAMPLES = ROOT / "examples" / "430602"


def _browser_or_skip() -> Any:
    missing = [p for p in (CHROMIUM, DRIVER) if not Path(p).exists()]
    if missing:
        pytest.skip(
            f"no headless browser: {', '.join(missing)} not found (apt-get install chromium chromium-driver)"
        )
    try:
        from selenium import webdriver
    except ImportError:
        pytest.skip("no browser driver: selenium is not installed (pip install -e '.[test]')")
    pytest.importorskip("starlette", reason="the workbench needs the web extra")
    return webdriver


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server() -> Iterator[str]:
    _browser_or_skip()
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    env.pop("PERFSCORE_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "perfscore", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line, line
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _driver(downloads: Path) -> Any:
    webdriver = _browser_or_skip()
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    try:
        driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    except Exception as exc:  # the browser is there but will not start: say so
        pytest.skip(f"headless chromium did not start: {type(exc).__name__}: {str(exc)[:300]}")
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


def _wait(predicate: Any, seconds: float = 15) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def _check_sort_and_filter(driver: Any) -> None:
    """Sorting by the computed total puts 92 before 100; filtering by a code leaves its table."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    def files() -> list[str]:
        rows = driver.find_elements(By.CSS_SELECTOR, "#summary tr.line")
        return [r.find_element(By.TAG_NAME, "td").text for r in rows if r.is_displayed()]

    driver.find_element(By.XPATH, "//th[contains(., '计算总分')]").click()
    assert files()[1:] == ["project-2023-district-fund.toml", "project-2023-transfer.toml"]
    Select(driver.find_element(By.ID, "code-filter")).select_by_value("full-marks-unmet")
    assert files() == ["project-2023-district-fund.toml"]
    Select(driver.find_element(By.ID, "code-filter")).select_by_value("")
    assert len(files()) == 3


def test_review_in_the_browser(server: str, tmp_path: Path) -> None:
    import openpyxl
    from selenium.webdriver.common.by import By

    shots = os.environ.get("PERFSCORE_SCREENSHOTS")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a workbook")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = _driver(downloads)
    try:
        driver.get(server + "/")
        assert "复核工作台" in driver.title + driver.page_source
        # 表格类型 sits beside 行政区划代码 and 年度, on their line, and reads Chinese first
        region, form = (driver.find_element(By.NAME, n) for n in ("region", "form"))
        assert form.is_displayed() and form.location["y"] == region.location["y"]
        label = form.find_element(By.XPATH, "..").text
        assert label.startswith("表格类型") and "部门整体支出 (department)" in label
        if shots:
            driver.save_screenshot(str(Path(shots) / "workbench-upload.png"))
        files = [
            EXAMPLES / "project-2023-transfer.toml",
            EXAMPLES / "project-2023-district-fund.toml",
            broken,
        ]
        driver.find_element(By.ID, "files").send_keys("\n".join(str(f) for f in files))
        _wait(lambda: "/batches/" in driver.current_url and driver.find_elements(By.ID, "summary"))
        lines = driver.find_elements(By.CSS_SELECTOR, "#summary tr.line")
        assert len(lines) == 3
        assert "无法复核" in lines[2].text and "broken.xlsx" in lines[2].text
        if shots:
            driver.save_screenshot(str(Path(shots) / "workbench-summary.png"))
        summary_url = driver.current_url
        _check_sort_and_filter(driver)

        driver.find_element(By.PARTIAL_LINK_TEXT, "district-fund").click()
        _wait(lambda: driver.find_elements(By.ID, "breakdown"))
        if shots:
            driver.save_screenshot(str(Path(shots) / "workbench-findings.png"))
        finding = driver.find_element(
            By.CSS_SELECTOR, "#findings a.finding[data-row^='row-']:not([data-row='row-budget'])"
        )
        assert "总成本控制" in finding.text  # named by its indicator
        row_id = finding.get_attribute("data-row")
        finding.click()
        row = driver.find_element(By.ID, row_id)
        _wait(lambda: "highlight" in (row.get_attribute("class") or ""))
        if shots:
            driver.save_screenshot(str(Path(shots) / "workbench-table.png"))

        driver.get(summary_url)
        driver.find_element(By.ID, "summary-xlsx").click()
        saved = _wait(lambda: list(downloads.glob("*.xlsx")))
        _wait(lambda: not list(downloads.glob("*.crdownload")))
        book = openpyxl.load_workbook(saved[0])
        sheet = book["汇总 Summary"]
        assert [sheet.cell(row=n, column=1).value for n in (2, 3, 4)] == [f.name for f in files]
        assert "full-marks-unmet" in book.sheetnames
    finally:
        driver.quit()


def test_files_dropped_on_the_page_are_reviewed(server: str, tmp_path: Path) -> None:
    """The drop zone itself: a drop event carrying two tables and a broken file (built in the page,
    as a browser builds one for files dragged from the desktop) gives three result lines."""
    from selenium.webdriver.common.by import By

    files = {
        "project-2023-transfer.toml": (EXAMPLES / "project-2023-transfer.toml").read_text(encoding="utf-8"),
        "project-2023-district-fund.toml": (EXAMPLES / "project-2023-district-fund.toml").read_text(
            encoding="utf-8"
        ),
        "broken.xlsx": "this is not a workbook",
    }
    driver = _driver(tmp_path)
    try:
        driver.get(server + "/")
        driver.execute_script(
            """
            const data = new DataTransfer();
            for (const [name, text] of Object.entries(arguments[0])) {
              data.items.add(new File([text], name));
            }
            const zone = document.getElementById("drop");
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
            """,
            files,
        )
        _wait(lambda: "/batches/" in driver.current_url and driver.find_elements(By.ID, "summary"))
        lines = driver.find_elements(By.CSS_SELECTOR, "#summary tr.line")
        assert len(lines) == 3
        assert sorted(line.find_element(By.TAG_NAME, "td").text for line in lines) == sorted(files)
    finally:
        driver.quit()
