"""Drops every meta-test database left on the servers that TEST_POSTGRES_URL and
TEST_MYSQL_URL name: `python tests/drop_meta_databases.py`.

A run drops its own databases when it ends; one stopped half-way cannot. Run this when no
other run of the meta-tests is using those servers: it drops theirs too.
"""

import sys
from pathlib import Path

# Run as a script, only tests/ is on the path; the harness also needs local_extensions.py.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import harness

if __name__ == "__main__":
    for name in harness.drop_run_databases("meta_"):
        print(f"dropped {name}")
