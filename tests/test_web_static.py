"""The planner's static files: the vendored NHS design system asks for nothing outside the
page, carries its licence and version, and ships inside the package."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from engine.web.server import SECURITY_HEADERS, static_files

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "engine" / "web" / "static"
NHSUK = STATIC / "nhsuk"
REFRESH = (ROOT / "scripts" / "refresh_vendored.py").read_text("utf-8")


def pinned(package: str) -> str:
    match = re.search(rf'^{package} = "([0-9.]+)"$', REFRESH, re.M)
    assert match, package
    return match[1]


def test_the_vendored_design_system_is_the_pinned_version_with_its_licence() -> None:
    version = pinned("NHSUK_FRONTEND")
    assert (NHSUK / "VERSION").read_text("utf-8") == f"nhsuk-frontend {version} (npm)\n"
    assert (NHSUK / "LICENSE").read_text("utf-8").startswith("MIT License\n\nCopyright (c) 2019 NHS.UK\n")
    assert f'const version="{version}"' in (NHSUK / "nhsuk-frontend.min.js").read_text("utf-8")


def test_the_stylesheet_asks_for_nothing_outside_the_page() -> None:
    css = (NHSUK / "nhsuk-frontend.min.css").read_text("utf-8")
    urls = set(re.findall(r"url\(([^)]*)\)", css))
    local = {u for u in urls if u.startswith("/static/nhsuk/assets/")}
    assert "@font-face" not in css and "@import" not in css and "sourceMappingURL" not in css
    assert urls - local == {u for u in urls if u.startswith("data:") or u.startswith('"data:')}
    served = static_files()
    assert local and all(u in served for u in local)


def test_every_page_asset_is_served_from_the_package_under_a_strict_policy() -> None:
    page = (STATIC / "index.html").read_text("utf-8")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert "/static/nhsuk/nhsuk-frontend.min.css" in assets
    assert all(asset in static_files() for asset in assets)
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src" not in policy and "unsafe-eval" not in policy


def test_the_wheel_takes_the_whole_engine_package_with_its_static_files() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    config = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert config["packages"] == ["engine"] and "exclude" not in config and "only-include" not in config
    ignored = (ROOT / ".gitignore").read_text("utf-8").split()
    vendored = [p.relative_to(ROOT).as_posix() for p in NHSUK.rglob("*") if p.is_file()]
    assert len(vendored) == 8
    assert not [p for p in vendored for pattern in ignored if pattern.strip("/") in p.split("/")]
