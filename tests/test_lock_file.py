"""requirements.lock pins, with ==, every package that pyproject.toml asks for, at a version that
pyproject.toml allows. After changing the dependencies: `make lock`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"

# name[extras]==version, then optional environment markers or hashes.
PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*(?P<version>[^\s;\\]+)"
)


def declared_requirements() -> list[Requirement]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    assert "dev" in extras, "pyproject.toml has no [project.optional-dependencies] dev"
    return [Requirement(line) for line in [*project["dependencies"], *extras["dev"]]]


def parse_lock(text: str) -> dict[str, str]:
    """{normalised name: version} from a pip requirements file in which everything is pinned."""
    pins: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("--hash") or line.startswith("\\"):
            continue
        if line.startswith("-"):  # options such as --index-url or -e
            assert not line.startswith(("-e", "--editable")), f"line {number}: {raw!r}"
            continue
        match = PIN.match(line)
        assert match, f"requirements.lock line {number} is not pinned with ==: {raw!r}"
        pins[canonicalize_name(match["name"])] = match["version"]
    return pins


def locked_versions() -> dict[str, str]:
    return parse_lock(LOCK.read_text(encoding="utf-8"))


def test_every_declared_dependency_is_pinned_in_the_lock():
    pins = locked_versions()
    missing = sorted(
        str(req) for req in declared_requirements() if canonicalize_name(req.name) not in pins
    )
    assert not missing, f"not pinned in requirements.lock (run `make lock`): {missing}"


def test_pinned_versions_satisfy_pyproject():
    pins = locked_versions()
    wrong = [
        f"{req.name}=={pins[name]} (pyproject.toml asks {req.specifier})"
        for req in declared_requirements()
        if (name := canonicalize_name(req.name)) in pins
        and not req.specifier.contains(pins[name], prereleases=True)
    ]
    assert not wrong, f"requirements.lock is stale (run `make lock`): {wrong}"


def test_lock_parser_normalises_names_and_ignores_extras_and_markers():
    pins = parse_lock(
        "# comment\n"
        "Django==5.2.19\n"
        "    # via baladiya\n"
        "django_environ==0.14.0\n"
        "psycopg[binary]==3.3.9 ; python_version >= '3.11'\n"
        "Typing.Extensions==4.16.0 \\\n"
        "    --hash=sha256:0123\n"
    )
    assert pins == {
        "django": "5.2.19",
        "django-environ": "0.14.0",
        "psycopg": "3.3.9",
        "typing-extensions": "4.16.0",
    }
