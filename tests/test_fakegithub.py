"""The fake GitHub itself: its state, its failure knobs, and validation that really rejects."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.fakegithub import validation
from tests.fakegithub.fixtures import GitHubFixture
from tests.fakegithub.operations import SERVED
from tests.fakegithub.server import ACTIONS_CANNOT_CREATE_PULLS, SECONDARY_RATE_LIMIT


def call(
    github: GitHubFixture,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = None,
) -> tuple[int, dict[str, str], Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(github.api_url + path, data=data, method=method)
    request.add_header("Authorization", f"token {token or github.token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, headers, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, raw = error.code, dict(error.headers), error.read()
    return status, {k.lower(): v for k, v in headers.items()}, json.loads(raw) if raw else None


def pulls_path(github: GitHubFixture, tail: str = "") -> str:
    return f"/repos/{github.repo}/pulls{tail}"


# --- the OpenAPI subset ---------------------------------------------------------------------


def test_the_subset_holds_exactly_the_served_operations() -> None:
    paths = validation.description()["paths"]
    held = {(m, p) for p, item in paths.items() for m in item if m != "parameters"}
    assert held == set(SERVED)


def test_every_reference_in_the_subset_resolves_inside_it() -> None:
    document = validation.description()

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return own + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    for ref in refs(document):
        kind, name = ref.removeprefix("#/components/").split("/")
        assert name in document["components"][kind], ref


def test_the_subset_stays_small() -> None:
    assert validation.SUBSET.stat().st_size < 1_000_000


# --- state ----------------------------------------------------------------------------------


def test_seeded_pull_requests_are_listed_by_head_and_state(github: GitHubFixture) -> None:
    github.state.add_pull(github.repo, head="unshim/a", title="open one")
    github.state.add_pull(github.repo, head="unshim/a", title="closed one", state="closed")
    github.state.add_pull(github.repo, head="other", title="elsewhere")
    owner = github.repo.split("/")[0]

    status, _, found = call(github, "GET", pulls_path(github, f"?head={owner}:unshim/a"))
    assert status == 200
    assert [p["title"] for p in found] == ["open one"]

    _, _, found = call(github, "GET", pulls_path(github, f"?head={owner}:unshim/a&state=all"))
    assert [p["title"] for p in found] == ["closed one", "open one"]

    _, _, found = call(github, "GET", pulls_path(github, "?head=someone-else:unshim/a"))
    assert found == []


def test_a_second_open_pull_request_for_the_same_head_is_refused(github: GitHubFixture) -> None:
    github.state.add_branch(github.repo, "unshim/a")
    spec = {"title": "t", "head": "unshim/a", "base": "main"}
    assert call(github, "POST", pulls_path(github), spec)[0] == 201

    status, _, body = call(github, "POST", pulls_path(github), spec)

    assert status == 422
    assert "already exists" in body["errors"][0]["message"]


def test_deleting_a_branch_closes_its_open_pull_request(github: GitHubFixture) -> None:
    pull = github.state.add_pull(github.repo, head="unshim/a")

    status, _, _ = call(github, "DELETE", f"/repos/{github.repo}/git/refs/heads/unshim/a")

    assert status == 204
    assert pull.state == "closed"
    assert "unshim/a" not in github.repository.branches
    status, _, _ = call(github, "GET", f"/repos/{github.repo}/git/ref/heads/unshim/a")
    assert status == 404


def test_long_lists_are_paginated_with_a_link_header(github: GitHubFixture) -> None:
    pull = github.state.add_pull(github.repo, head="unshim/a")
    comments = f"/repos/{github.repo}/issues/{pull.number}/comments"
    for n in range(3):
        call(github, "POST", comments, {"body": f"comment {n}"})

    _, headers, page = call(github, "GET", f"{comments}?per_page=2")
    _, last_headers, last_page = call(github, "GET", f"{comments}?per_page=2&page=2")

    assert [c["body"] for c in page] == ["comment 0", "comment 1"]
    assert 'rel="next"' in headers["link"] and "page=2" in headers["link"]
    assert [c["body"] for c in last_page] == ["comment 2"]
    assert "link" not in last_headers


def test_graphql_toggles_the_draft_state(github: GitHubFixture) -> None:
    pull = github.state.add_pull(github.repo, head="unshim/a")
    query = (
        "mutation Mutation($input: ConvertPullRequestToDraftInput!) "
        "{ convertPullRequestToDraft(input: $input) { clientMutationId pullRequest { isDraft } } }"
    )

    status, _, answer = call(
        github,
        "POST",
        "/graphql",
        {"query": query, "variables": {"input": {"pullRequestId": pull.node_id}}},
    )

    assert status == 200
    assert answer["data"]["convertPullRequestToDraft"]["pullRequest"] == {"isDraft": True}
    assert pull.draft


# --- failure knobs --------------------------------------------------------------------------


def test_fail_answers_the_next_requests_then_recovers(github: GitHubFixture) -> None:
    github.fail(pulls_path(github), times=2)

    statuses = [call(github, "GET", pulls_path(github))[0] for _ in range(3)]

    assert statuses == [502, 502, 200]
    assert [r.status for r in github.calls("GET", pulls_path(github))] == [502, 502, 200]


def test_forbid_answers_with_githubs_message_for_one_method(github: GitHubFixture) -> None:
    github.forbid(pulls_path(github), ACTIONS_CANNOT_CREATE_PULLS, method="POST")
    github.state.add_branch(github.repo, "unshim/a")

    status, _, body = call(
        github, "POST", pulls_path(github), {"title": "t", "head": "unshim/a", "base": "main"}
    )

    assert status == 403
    assert body["message"] == ACTIONS_CANNOT_CREATE_PULLS
    assert call(github, "GET", pulls_path(github))[0] == 200


def test_secondary_rate_limit_says_when_to_retry(github: GitHubFixture) -> None:
    github.secondary_rate_limit("/repos/*/labels", retry_after=7)

    status, headers, body = call(github, "GET", f"/repos/{github.repo}/labels")

    assert (status, headers["retry-after"], body["message"]) == (403, "7", SECONDARY_RATE_LIMIT)


def test_a_wrong_token_gets_bad_credentials(github: GitHubFixture) -> None:
    status, _, body = call(github, "GET", f"/repos/{github.repo}", token="ghp_wrong")

    assert (status, body["message"]) == (401, "Bad credentials")


# --- validation -----------------------------------------------------------------------------


def test_a_response_missing_a_required_field_is_flagged(github: GitHubFixture) -> None:
    github.state.add_pull(github.repo, head="unshim/a")
    github.tamper(
        pulls_path(github, "/1"), lambda pull: {k: v for k, v in pull.items() if k != "number"}
    )

    status, _, body = call(github, "GET", pulls_path(github, "/1"))

    assert status == 500
    errors = github.take_validation_errors()
    assert errors == [
        f"GET /repos/{github.repo}/pulls/1: response: InvalidData: 'number' is a required property"
    ]
    assert "'number' is a required property" in body["message"]


def test_a_response_field_of_the_wrong_type_is_flagged(github: GitHubFixture) -> None:
    github.state.add_label(github.repo, "unshim")
    github.tamper(f"/repos/{github.repo}/labels", lambda labels: [{**labels[0], "id": "seven"}])

    status, _, _ = call(github, "GET", f"/repos/{github.repo}/labels")

    assert status == 500
    assert "at 0.id: 'seven' is not of type 'integer'" in github.take_validation_errors()[0]


def test_a_request_with_a_wrong_type_is_flagged(github: GitHubFixture) -> None:
    github.state.add_branch(github.repo, "unshim/a")

    status, _, _ = call(
        github, "POST", pulls_path(github), {"title": 5, "head": "unshim/a", "base": "main"}
    )

    assert status == 400
    (error,) = github.take_validation_errors()
    assert "request: InvalidRequestBody" in error and "5 is not of type 'string'" in error
    assert github.repository.pulls == {}


def test_a_request_with_a_wrong_query_value_is_flagged(github: GitHubFixture) -> None:
    status, _, _ = call(github, "GET", pulls_path(github, "?state=merged"))

    assert status == 400
    assert github.take_validation_errors() == [
        f"GET /repos/{github.repo}/pulls: request: InvalidParameter (query parameter state): "
        "'merged' is not one of ['open', 'closed', 'all']"
    ]


def test_an_operation_outside_the_subset_is_flagged(github: GitHubFixture) -> None:
    status, _, _ = call(github, "PUT", f"/repos/{github.repo}/pulls/1/merge", {})

    assert status == 404
    assert github.take_validation_errors() == [
        f"PUT /repos/{github.repo}/pulls/1/merge: not an operation the fake serves"
    ]


def test_an_unknown_graphql_query_is_flagged(github: GitHubFixture) -> None:
    status, _, _ = call(github, "POST", "/graphql", {"query": "{ viewer { login } }"})

    assert status == 400
    assert github.take_validation_errors()[0].startswith("POST /graphql: GraphQL: not a mutation")


def test_an_undocumented_success_status_is_flagged() -> None:
    request = validation.request_for(
        "delete",
        "/repos/{owner}/{repo}/git/refs/{ref}",
        "/repos/o/r/git/refs/heads/x",
        {"owner": "o", "repo": "r", "ref": "heads/x"},
        {},
        None,
        "",
    )

    assert validation.check_response(request, 204, {}, b"", "") == []
    assert validation.check_response(request, 200, {}, b"{}", "application/json") == [
        "status 200 is not documented for this operation"
    ]
    assert validation.check_response(request, 502, {}, b'{"message": 1}', "application/json")


def test_the_fixture_fails_a_test_that_left_validation_errors(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["tests.fakegithub.fixtures"]')
    pytester.makepyfile(
        """
        import urllib.error, urllib.request

        def test_sloppy_client(github):
            request = urllib.request.Request(github.api_url + "/repos/x/y/pulls?state=merged")
            request.add_header("Authorization", "token " + github.token)
            try:
                urllib.request.urlopen(request)
            except urllib.error.HTTPError:
                pass  # the client swallows the error; the fixture must not
        """
    )

    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*do not match GitHub's OpenAPI description*", "*query parameter state*merged*"]
    )


def test_extraction_follows_references_transitively_and_drops_examples() -> None:
    from tests.fakegithub.extract_openapi import subset

    def ref(kind: str, name: str) -> dict[str, str]:
        return {"$ref": f"#/components/{kind}/{name}"}

    operation = {
        "parameters": [ref("parameters", "owner")],
        "responses": {
            "200": {
                "content": {
                    "application/json": {
                        "schema": ref("schemas", "outer"),
                        "examples": {"default": ref("examples", "big")},
                    }
                }
            }
        },
    }
    paths: dict[str, dict[str, Any]] = {}
    for method, path in SERVED:
        paths.setdefault(path, {"put": {"responses": {"200": ref("responses", "unused")}}})
        paths[path][method] = operation
    description = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1", "license": {"name": "MIT"}},
        "servers": [{"url": "https://api.github.com"}],
        "paths": paths,
        "components": {
            "parameters": {"owner": {"name": "owner", "in": "path"}},
            "schemas": {
                # `examples` as a property name is kept: only media types lose their examples.
                "outer": {"properties": {"examples": ref("schemas", "inner")}},
                "inner": {"type": "string"},
                "unused": {"type": "string"},
            },
            "responses": {"unused": {"description": "never referenced by a served operation"}},
            "examples": {"big": {"value": "x" * 1000}},
        },
    }

    result = subset(description, "1")

    assert result["components"] == {
        "parameters": {"owner": {"name": "owner", "in": "path"}},
        "schemas": {
            "inner": {"type": "string"},
            "outer": {"properties": {"examples": ref("schemas", "inner")}},
        },
    }
    held = {(m, p) for p, item in result["paths"].items() for m in item}
    assert held == set(SERVED)
    media = result["paths"][SERVED[0][1]][SERVED[0][0]]["responses"]["200"]["content"]
    assert media == {"application/json": {"schema": ref("schemas", "outer")}}
