"""Print `name==version` for each runtime dependency's declared minimum in pyproject.toml, so CI
can install exactly the lowest versions the project claims to support."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml").read_text())
for requirement in project["project"]["dependencies"]:
    found = re.match(r"\s*([A-Za-z0-9_.\-\[\]]+)\s*>=\s*([0-9][^,;\s]*)", requirement)
    if not found:
        sys.exit(f"no minimum declared for {requirement!r}")
    print(f"{found[1]}=={found[2]}")
