"""A real headless Chromium opens an annotator's link and annotates; the store says so."""

from __future__ import annotations

import shutil
import time

from annotator.store import Store
from tests.serve.browser import chromium
from tests.workspace_corpus import sentence_id


def test_an_annotator_accepts_a_suggestion_and_marks_the_sentence_done_in_a_browser(served) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver, profile = chromium()
    try:
        driver.get(served.link("ana"))
        deadline = time.monotonic() + 30
        while "-first-byte" not in (driver.find_element(By.TAG_NAME, "body").get_attribute("class") or ""):
            assert time.monotonic() < deadline, "the workspace never drew"
            time.sleep(0.2)
        time.sleep(2)  # the first screen settles
        driver.find_element(By.CSS_SELECTOR, ".xterm-screen").click()  # focuses the terminal
        ActionChains(driver).send_keys("A").perform()
        time.sleep(1)
        ActionChains(driver).send_keys(Keys.ENTER).perform()
        first = None
        with Store.open(served.db_path, readonly=True) as store:
            first = sentence_id(store, "berita-1", 0)
        deadline = time.monotonic() + 15
        while True:
            with Store.open(served.db_path, readonly=True) as store:
                judgment = store.annotations.get_judgment(first, "ana")
                spans = store.annotations.spans_for_sentence(first, "ana")
            if judgment is not None and judgment.status == "done":
                break
            assert time.monotonic() < deadline, "the keys never reached the store"
            time.sleep(0.3)
        assert [(s.label, s.start, s.end) for s in spans] == [("loaded_language", 8, 16)]  # "pengecut"
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
