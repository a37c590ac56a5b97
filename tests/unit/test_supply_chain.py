"""The dependencies are locked with hashes, the lock agrees with what the code asks for, and the software bills of
materials list everything locked (docs/security.md, "Supply chain")."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.M)


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    return {normalised(name): version for name, version in PIN.findall(path.read_text())}


def locked_entries(path: Path) -> list[str]:
    """Each requirement of a compiled lock, with its continuation lines (hashes) joined."""
    text = path.read_text().replace("\\\n", " ")
    return [line for line in text.splitlines() if PIN.match(line)]


@pytest.mark.parametrize(("wanted", "lock"), [("requirements.in", "requirements.txt"),
                                              ("requirements-dev.in", "requirements-dev.txt")])
def test_every_package_asked_for_is_locked_at_the_version_asked_for(wanted, lock):
    asked, locked = pins(ROOT / wanted), pins(ROOT / lock)
    assert asked, f"{wanted} names no packages"
    assert {name: version for name, version in asked.items() if locked.get(name) != version} == {}, \
        f"{lock} is out of date with {wanted}: run make lock"


def test_the_development_lock_keeps_every_runtime_package_at_its_locked_version():
    runtime, development = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.txt")
    assert {name: (version, development.get(name)) for name, version in runtime.items()
            if development.get(name) != version} == {}


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_every_locked_package_has_the_hashes_of_its_files(lock):
    entries = locked_entries(ROOT / lock)
    assert {normalised(PIN.match(entry)[1]) for entry in entries} == set(pins(ROOT / lock))
    assert [entry.split()[0] for entry in entries if "--hash=sha256:" not in entry] == []


def test_the_python_bill_of_materials_lists_every_locked_package_with_its_hashes(tmp_path):
    output = tmp_path / "python.cdx.json"
    subprocess.run([sys.executable, "-m", "cyclonedx_py", "requirements", str(ROOT / "requirements.txt"),
                    "--pyproject", str(ROOT / "pyproject.toml"), "--of", "JSON", "--output-reproducible",
                    "-o", str(output)], check=True, capture_output=True)
    bom = json.loads(output.read_text())
    assert bom["bomFormat"] == "CycloneDX" and bom["metadata"]["component"]["name"] == "improvement-tracker"
    listed = {normalised(component["name"]): component["version"] for component in bom["components"]}
    assert listed == pins(ROOT / "requirements.txt")
    assert all(reference["hashes"] for component in bom["components"]
               for reference in component["externalReferences"] if reference["type"] == "distribution")


@pytest.mark.skipif(shutil.which("npm") is None, reason="needs npm")
def test_the_npm_bill_of_materials_lists_every_package_the_service_serves():
    result = subprocess.run(["npm", "sbom", "--sbom-format", "cyclonedx", "--omit", "dev", "--package-lock-only"],
                            cwd=ROOT, check=True, capture_output=True, text=True)
    bom = json.loads(result.stdout)
    lock = json.loads((ROOT / "package-lock.json").read_text())
    served = {path.rsplit("node_modules/", 1)[1]: package["version"] for path, package in lock["packages"].items()
              if path and not package.get("dev")}
    assert {component["name"]: component["version"] for component in bom["components"]} == served
    assert all(component.get("hashes") for component in bom["components"])
