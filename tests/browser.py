"""A headless Chromium for page tests and benchmarks: JS errors, network requests, dialogs.

>>> with Browser() as browser:                                   # doctest: +SKIP
...     browser.open("/tmp/graph.html")
...     browser.wait_for("return window.kgReady === true")
...     assert browser.requests() == [] and browser.errors() == []
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KG_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,900",
]

# Runs before any page script: records errors and dialogs instead of showing dialogs.
HOOKS = """
window.__kgErrors = [];
window.__kgDialogs = [];
window.addEventListener('error', e => window.__kgErrors.push(String(e.message)));
window.addEventListener('securitypolicyviolation', e => window.__kgErrors.push('CSP: ' + e.violatedDirective + ' ' + e.blockedURI));
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = (...args) => { window.__kgDialogs.push([name, String(args[0])]); };
}
"""


def missing() -> str | None:
    """Why no browser can start here, or None if one can."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).exists() or shutil.which(path)):
            return f"{path} not found (install chromium and chromium-driver, or set KG_CHROMIUM / KG_CHROMEDRIVER)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return None


class Browser:
    """One headless Chromium with a fresh profile; use as a context manager."""

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self._profile = tempfile.mkdtemp(prefix="kg-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self._profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        # An explicit driver path keeps Selenium Manager from looking for drivers online.
        self.driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOKS})
        self._page = ""

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self._profile, ignore_errors=True)

    def open(self, path: str | os.PathLike[str]) -> None:
        """Load a local file, forgetting the logs of earlier pages."""
        self.driver.get_log("browser")
        self.driver.get_log("performance")
        self._page = Path(path).resolve().as_uri()
        self.driver.get(self._page)

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def wait_for(self, condition: str, timeout: float = 30.0) -> None:
        """Poll a JS expression (a ``return ...`` statement) until it is truthy."""
        deadline = time.monotonic() + timeout
        while not self.js(condition):
            if time.monotonic() > deadline:
                raise TimeoutError(f"not true after {timeout}s: {condition}")
            time.sleep(0.05)

    def requests(self) -> list[str]:
        """URLs the page asked for beyond itself (data: URLs are not requests)."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                url = message["params"]["request"]["url"]
                if url != self._page and not url.startswith("data:"):
                    urls.append(url)
        return urls

    def errors(self) -> list[str]:
        """Severe console entries and uncaught errors since the page was opened."""
        logged = [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]
        return logged + list(self.js("return window.__kgErrors || []"))

    def dialogs(self) -> list:
        """alert/confirm/prompt calls the page made (they were swallowed)."""
        return list(self.js("return window.__kgDialogs || []"))
