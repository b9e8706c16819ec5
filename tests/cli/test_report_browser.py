"""The report in a real browser (headless Chromium): the charts are there, nothing is fetched
from outside the page, and a hostile document shows as text.

Skipped, with the reason, where Chromium or its driver is not installed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.report_project import HOSTILE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
    pytest.skip(
        "headless Chromium is not installed (Debian: apt install chromium chromium-driver)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = None
    for _attempt in range(2):  # on a heavily loaded machine Chromium can miss the driver's first deadline
        try:
            driver = webdriver.Chrome(service=Service(DRIVER), options=options)
            break
        except Exception as error:  # noqa: BLE001 - selenium and urllib3 raise several kinds
            failure = error
    if driver is None:
        pytest.skip(f"headless Chromium did not start twice ({type(failure).__name__}): the machine is overloaded")
    yield driver
    driver.quit()


def requests_of(driver, page: Path) -> list[str]:
    """Every URL the browser asked for while loading the page (from its network log)."""
    driver.get_log("performance")  # drop what earlier pages logged
    driver.get(page.as_uri())
    events = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
    return [event["params"]["request"]["url"] for event in events if event["method"] == "Network.requestWillBeSent"]


@pytest.fixture(scope="module")
def page(report_page) -> Path:
    return report_page[0]


def test_page_has_the_charts(browser, page):
    requests_of(browser, page)
    charts = browser.find_elements("css selector", "figure svg")
    assert len(charts) >= 8
    assert all(chart.size["width"] > 100 and chart.size["height"] > 50 for chart in charts)
    ids = {figure.get_attribute("id") for figure in browser.find_elements("css selector", "figure")}
    assert {"figure-per_label_alpha", "figure-pairwise_kappa", "figure-time_on_task"} <= ids


def test_no_request_leaves_the_page(browser, page):
    urls = requests_of(browser, page)
    assert urls[0] == page.as_uri()
    assert all(url == page.as_uri() or url.startswith("data:") for url in urls), urls


def test_the_network_check_sees_an_outside_request(browser, tmp_path):
    # The check above can fail: a page that loads an image from elsewhere shows up in the log.
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png"></body></html>')
    assert "http://127.0.0.1:9/x.png" in requests_of(browser, leaky)


def test_a_hostile_document_shows_as_text(browser, page):
    requests_of(browser, page)
    assert browser.find_elements("css selector", "script") == []
    assert browser.find_elements("css selector", ".line img, .line a, .line b, .line svg") == []
    lines = [line.text for line in browser.find_elements("css selector", ".sentence .line")]
    shown = [line for line in lines if "<script>" in line]
    assert shown, "the hostile sentence is among the disagreements"
    assert all(
        '<script>alert("x")</script>' in line and "</svg><img" in line and 'href="javascript:alert(1)"' in line
        for line in shown
    )
    assert HOSTILE.split(" di ")[0].split("Kata ")[1][:20] in shown[0]
    assert browser.execute_script("return document.querySelectorAll('svg').length") == len(
        browser.find_elements("css selector", "figure svg")
    )  # the text's </svg> closed nothing
