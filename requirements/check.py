"""Check that the committed lock files still satisfy pyproject.toml.

    .venv/bin/python requirements/check.py

For the site lock (``site.txt``) against ``[project].dependencies`` and the development lock
(``dev.txt``) against those plus the ``dev`` extra: every requirement is pinned, every pin of
it (a universal lock may pin a package once per platform) satisfies its range, and the
development lock pins everything the site lock pins at the same version, so the suite tests
what ``serve`` installs. Exits 1 with one line per problem. ``pip check`` (run by run.py after
every install) covers the transitive requirements.

Runs with the virtualenv's Python: ``packaging`` comes from the environment or, for a site-only
install, from pip's own copy.
"""

from __future__ import annotations

import sys
import tomllib
from collections import defaultdict
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version
except ImportError:  # a site-only virtualenv: pip always carries its own copy
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name
    from pip._vendor.packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def read_lock(path: Path) -> dict[str, set[Version]]:
    """Name → pinned versions; each pin is ``name==version [; marker] \\`` at a line's start."""
    pins: dict[str, set[Version]] = defaultdict(set)
    for line in path.read_text().splitlines():
        if not line or line[0].isspace() or line.startswith(("#", "-")):
            continue
        spec = line.split(";", 1)[0].rstrip(" \\")
        name, sep, version = spec.partition("==")
        if not sep:
            raise SystemExit(f"{path.name}: not an exact pin: {line!r}")
        pins[canonicalize_name(name)].add(Version(version.strip()))
    return pins


def problems_for(
    lock_name: str, pins: dict[str, set[Version]], requirements: list[str]
) -> list[str]:
    found = []
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        versions = pins.get(name)
        if not versions:
            found.append(f"{lock_name}: {requirement.name} is required ({text}) but not pinned")
            continue
        for version in sorted(versions):
            if not requirement.specifier.contains(version, prereleases=True):
                found.append(f"{lock_name}: {requirement.name}=={version} is outside {text!r}")
    return found


def problems_in(root: Path) -> list[str]:
    """Every way the locks under ``root`` fail ``root``'s pyproject.toml (empty: they hold)."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    site_requirements = project["dependencies"]
    dev_requirements = site_requirements + project["optional-dependencies"]["dev"]
    site = read_lock(root / "requirements" / "site.txt")
    dev = read_lock(root / "requirements" / "dev.txt")
    problems = problems_for("site.txt", site, site_requirements)
    problems += problems_for("dev.txt", dev, dev_requirements)
    for name, versions in sorted(site.items()):
        if dev.get(name) != versions:
            problems.append(
                f"dev.txt pins {name} at {sorted(map(str, dev.get(name, ())))}, "
                f"site.txt at {sorted(map(str, versions))}"
            )
    return problems


def main() -> int:
    problems = problems_in(ROOT)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
