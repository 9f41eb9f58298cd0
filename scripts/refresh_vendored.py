"""Refresh the vendored front-end packages from npm, at their pinned versions.

    python scripts/refresh_vendored.py

- nhsuk-frontend (the NHS design system's compiled CSS, JS and the icons its CSS uses)
  into engine/web/static/nhsuk/, shipped in the wheel and served by the planner;
- axe-core (the accessibility checker) into tests/browser/vendor/axe-core/, for the
  browser tests only.

Nothing is fetched at run time: the planner serves only these files. Two edits are made
to the NHS stylesheet so that it asks for nothing outside the page's own origin (its
Content-Security-Policy would refuse it): its @font-face rules, which load the Frutiger
font from assets.nhs.uk (licensed for NHS services only), are removed, so the design
system's own fallback, Arial, is used; and its icons' /assets/ URLs point at the vendored
copies. Source-map comments are dropped, as the maps are not vendored.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

NHSUK_FRONTEND = "10.6.1"
AXE_CORE = "4.14.1"
ROOT = Path(__file__).resolve().parents[1]
NHSUK_DIR = ROOT / "engine" / "web" / "static" / "nhsuk"
AXE_DIR = ROOT / "tests" / "browser" / "vendor" / "axe-core"
FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
SOURCE_MAP = re.compile(r"\n?/[/*]# sourceMappingURL=\S+(?: \*/)?\s*$")
ASSET_URL = re.compile(r"url\(/assets/images/([a-z0-9-]+\.svg)\)")
# The npm package declares "license": "MIT" but ships no licence file; this is the
# licence of the nhsuk/nhsuk-frontend repository it is built from.
NHSUK_LICENSE = """MIT License

Copyright (c) 2019 NHS.UK

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def unpacked(package: str, version: str, into: Path) -> Path:
    """The npm package, unpacked; `npm pack` checks the registry's integrity hash."""
    subprocess.run(["npm", "pack", "--silent", f"{package}@{version}"], cwd=into, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    (tarball,) = into.glob(f"{package}-{version}.tgz")
    with tarfile.open(tarball) as archive:
        archive.extractall(into / package, filter="data")
    root = into / package / "package"
    declared = json.loads((root / "package.json").read_text("utf-8"))["version"]
    if declared != version:
        sys.exit(f"npm gave {package} {declared}, not the pinned {version}")
    return root


def local_stylesheet(css: str) -> str:
    css = FONT_FACE.sub("", css)
    css = ASSET_URL.sub(r"url(/static/nhsuk/assets/\1)", css)
    if "url(http" in css or "@import" in css:
        sys.exit("the NHS stylesheet still asks for something outside the page; see the header")
    return SOURCE_MAP.sub("\n", css)


def refresh_nhsuk(package: Path) -> None:
    dist = package / "dist" / "nhsuk"
    shutil.rmtree(NHSUK_DIR, ignore_errors=True)
    (NHSUK_DIR / "assets").mkdir(parents=True)
    css = (dist / "nhsuk-frontend.min.css").read_text("utf-8")
    icons = sorted(set(ASSET_URL.findall(css)))
    (NHSUK_DIR / "nhsuk-frontend.min.css").write_text(local_stylesheet(css), "utf-8")
    js = (dist / "nhsuk-frontend.min.js").read_text("utf-8")
    (NHSUK_DIR / "nhsuk-frontend.min.js").write_text(SOURCE_MAP.sub("\n", js), "utf-8")
    for icon in icons:
        shutil.copyfile(dist / "assets" / "images" / icon, NHSUK_DIR / "assets" / icon)
    (NHSUK_DIR / "LICENSE").write_text(NHSUK_LICENSE, "utf-8")
    (NHSUK_DIR / "VERSION").write_text(f"nhsuk-frontend {NHSUK_FRONTEND} (npm)\n", "utf-8")


def refresh_axe(package: Path) -> None:
    shutil.rmtree(AXE_DIR, ignore_errors=True)
    AXE_DIR.mkdir(parents=True)
    for name in ("axe.min.js", "LICENSE", "LICENSE-3RD-PARTY.txt"):
        shutil.copyfile(package / name, AXE_DIR / name)
    (AXE_DIR / "VERSION").write_text(f"axe-core {AXE_CORE} (npm)\n", "utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        refresh_nhsuk(unpacked("nhsuk-frontend", NHSUK_FRONTEND, Path(scratch)))
        refresh_axe(unpacked("axe-core", AXE_CORE, Path(scratch)))
    print(f"nhsuk-frontend {NHSUK_FRONTEND} -> {NHSUK_DIR.relative_to(ROOT)}")
    print(f"axe-core {AXE_CORE} -> {AXE_DIR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
