"""The `github` pytest fixture: a fresh fake GitHub per test, with one repository seeded.

    def test_opens_a_pull_request(github):
        github.state.add_branch(github.repo, "unshim/foo")
        github.fail("/repos/*/pulls", method="POST", status=502)   # the first try fails
        ...  # point the code under test at github.api_url with token github.token
        assert github.calls("POST", "/repos/*/pulls")[-1].status == 201

A test that ends with validation errors fails at teardown, listing them, so a client that
swallows an error response cannot hide a request or response GitHub would not accept.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakegithub import validation
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository

REPOSITORY = "octo-org/project"


class GitHubFixture(FakeGitHub):
    repo = REPOSITORY  # seeded with a `main` branch

    @property
    def repository(self) -> Repository:
        """The seeded repository's state, to seed more or to check what a test did."""
        found = self.state.repository(REPOSITORY)
        assert found is not None
        return found


@pytest.fixture(scope="session")
def _openapi_loaded() -> None:
    # Loaded once per session, before the first server starts, so no test pays for it twice.
    validation.openapi()


@pytest.fixture
def github(_openapi_loaded: None) -> Iterator[GitHubFixture]:
    fake = GitHubFixture()
    fake.state.add_repository(REPOSITORY)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
    errors = fake.take_validation_errors()
    if errors:
        pytest.fail(
            "the fake GitHub saw requests or sent responses that do not match GitHub's "
            "OpenAPI description:\n  " + "\n  ".join(errors),
            pytrace=False,
        )
