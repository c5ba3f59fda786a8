"""Save a screenshot of a kg HTML view (default: outputs/graph.html) for the README.

    python docs/screenshot.py [outputs/graph.html] [docs/graph.png]

Uses the same headless Chromium helper as the browser tests (tests/browser.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import browser as chromium  # noqa: E402


def main(page: str = "outputs/graph.html", png: str = "docs/graph.png") -> None:
    with chromium.Browser() as browser:
        browser.open(Path(page).resolve())
        browser.wait_for("return window.kgReady === true", timeout=120)
        box = browser.driver.find_element("id", "kg-search")
        box.send_keys("F2SA\n")
        browser.driver.execute_script("return null")
        import time

        time.sleep(1.5)
        browser.driver.save_screenshot(str(png))
    print(f"wrote {png}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
