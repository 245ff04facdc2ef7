"""Make ``docs/viewer.png``: the demo memory in a real headless Chromium.

python tests/web/screenshot.py [docs/viewer.png] [--page overview|search|observation|...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from memgit.model import utcnow  # noqa: E402
from tests.web.browser import chromium, memgit_serve  # noqa: E402
from tests.web.demo import build_demo  # noqa: E402

PAGES = {
    "overview": "",
    "search": "search?q=redis&status=all",
    "sessions": "sessions",
    "stale": "stale",
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", nargs="?", type=Path, default=ROOT / "docs" / "viewer.png")
    parser.add_argument(
        "--page",
        default="overview",
        help="overview, search, sessions, stale, or an observation title from the demo",
    )
    parser.add_argument("--full", action="store_true", help="the whole page, not the window")
    parser.add_argument("--height", type=int, default=1040, help="window height (default 1040)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        made = build_demo(work / "harbor", utcnow())
        path = PAGES.get(args.page)
        if path is None:
            path = f"m/{made[args.page].id}"
        with (
            memgit_serve(work / "harbor", work / "serve.log") as base,
            chromium(work / "profile") as browser,
        ):
            browser.get(base + path)
            browser.wait_for("main h1")
            args.target.parent.mkdir(parents=True, exist_ok=True)
            if args.full:
                browser.full_page_screenshot(args.target)
            else:
                browser.call("POST", "/window/rect", {"width": 1280, "height": args.height})
                browser.screenshot(args.target)
    print(args.target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
