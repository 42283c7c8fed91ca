"""The published OpenAPI schema, kept as a reviewed file: any change to the contract shows
up as a diff of `tests/api/__snapshots__/test_openapi_snapshot/` in the change that made it.

When this test fails, the schema is no longer what was last reviewed. If the change is
meant, run `pytest --snapshot-update` (it rewrites the file) and commit the file with the
change; if it is not, the diff in the failure says which route or field moved.
`info` (title, version, description) is left out: a release is not a contract change.
"""

import pytest
from fastapi import FastAPI
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension
from syrupy.filters import paths


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """`snapshot` stored as one JSON file per test, keys sorted, two-space indent (syrupy's
    JSONSnapshotExtension), so the file reads and diffs like the schema itself."""
    return snapshot.use_extension(JSONSnapshotExtension)


def test_the_openapi_schema_matches_its_reviewed_snapshot(
    app: FastAPI, json_snapshot: SnapshotAssertion
) -> None:
    assert app.openapi() == json_snapshot(exclude=paths("info"))
