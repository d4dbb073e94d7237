"""The conda path (environment.yml) and the pip path (requirements) name the same packages."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def pins(lines: list[str], separator: str) -> dict[str, str]:
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(rf"([A-Za-z0-9_.\-]+){re.escape(separator)}([^=<>\s]+)", line)
        assert match, f"not an exact pin: {line!r}"
        found[match[1].lower().replace("_", "-")] = match[2]
    return found


def requirement_pins() -> dict[str, str]:
    return pins((ROOT / "requirements.txt").read_text().splitlines(), "==")


def conda_pins() -> dict[str, str]:
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    plain = [d for d in spec["dependencies"] if isinstance(d, str) and not d.startswith(("python=", "pip"))]
    from_pip = [d for entry in spec["dependencies"] if isinstance(entry, dict) for d in entry.get("pip", [])]
    return {**pins(plain, "="), **pins(from_pip, "==")}


def test_conda_and_pip_name_the_same_packages_at_the_same_versions() -> None:
    assert conda_pins() == requirement_pins()


def test_environment_uses_conda_forge() -> None:
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert spec["channels"] == ["conda-forge"]


def test_lock_agrees_with_direct_requirements() -> None:
    lock = pins([line for line in (ROOT / "requirements.lock").read_text().splitlines()], "==")
    for name, version in requirement_pins().items():
        assert lock.get(name) == version, f"{name}: requirements.txt {version}, lock {lock.get(name)}"


def test_installed_versions_match_the_lock() -> None:
    from importlib.metadata import version

    for name, pinned in requirement_pins().items():
        assert version(name) == pinned, name
