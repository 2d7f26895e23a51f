"""The CLI answers at once: loading the `dtks` command imports none of the heavy libraries.

`dtks finalize` prints its first line before it imports pandas, DuckDB or Prefect (issue 16,
goal 3: the first line within a second); an import at module level anywhere under
pipelines/cli (or in a module it loads) would add ~1 s on an office PC before anything shows.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["pandas", "numpy", "duckdb", "pyarrow", "prefect", "pandera", "openpyxl", "reportlab"]


def test_loading_the_command_imports_no_heavy_library():
    code = f"import sys, pipelines.cli\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == ""
