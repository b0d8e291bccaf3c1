"""The two GraphQL mutations PyGithub sends to change a pull request's draft state.

The REST description does not cover `POST /graphql`, so instead of OpenAPI validation each query
must be exactly the text PyGithub's `Requester.graphql_named_mutation` builds for
`PullRequest.convert_to_draft()` and `PullRequest.mark_ready_for_review()`, with the variables
GitHub's schema requires. Anything else is reported as a validation error.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fakegithub.state import GitHubState, PullRequest, now

DRAFT_MUTATIONS = {
    "convertPullRequestToDraft": True,
    "markPullRequestReadyForReview": False,
}
_QUERY = re.compile(
    r"mutation Mutation\(\$input: (?P<input>\w+)!\) "
    r"\{ (?P<name>\w+)\(input: \$input\) \{ (?P<selection>.*) \} \}"
)
_SELECTIONS = {"clientMutationId pullRequest { isDraft }", "pullRequest { isDraft }"}
_INPUT_KEYS = {"pullRequestId", "clientMutationId"}


def check(body: Any) -> list[str]:
    """What is wrong with this GraphQL request, if anything."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return ["GraphQL: the body must be a JSON object with a string `query`"]
    match = _QUERY.fullmatch(body["query"].strip())
    if match is None:
        return [f"GraphQL: not a mutation the fake serves: {body['query'][:200]!r}"]
    problems = []
    name = match["name"]
    if name not in DRAFT_MUTATIONS:
        problems.append(f"GraphQL: unknown mutation {name}")
    if match["input"] != name[:1].upper() + name[1:] + "Input":
        problems.append(f"GraphQL: {name} takes {name[:1].upper()}{name[1:]}Input!")
    if match["selection"].strip() not in _SELECTIONS:
        problems.append(f"GraphQL: unsupported selection {match['selection']!r}")
    variables = body.get("variables")
    given = variables.get("input") if isinstance(variables, dict) else None
    if not isinstance(given, dict) or not isinstance(given.get("pullRequestId"), str):
        problems.append("GraphQL: variables.input.pullRequestId (ID!) is required")
    elif set(given) - _INPUT_KEYS:
        problems.append(f"GraphQL: unknown input fields {sorted(set(given) - _INPUT_KEYS)}")
    return problems


def answer(body: dict[str, Any], state: GitHubState) -> dict[str, Any]:
    match = _QUERY.fullmatch(body["query"].strip())
    assert match is not None  # check() ran first
    name = match["name"]
    given = body["variables"]["input"]
    pull = _find(state, given["pullRequestId"])
    if pull is None:
        node = given["pullRequestId"]
        return {
            "data": {name: None},
            "errors": [
                {
                    "type": "NOT_FOUND",
                    "path": [name],
                    "message": f"Could not resolve to a node with the global id of '{node}'",
                }
            ],
        }
    with state.lock:
        pull.draft = DRAFT_MUTATIONS[name]
        pull.updated_at = now()
    return {
        "data": {
            name: {
                "clientMutationId": given.get("clientMutationId"),
                "pullRequest": {"isDraft": pull.draft},
            }
        }
    }


def _find(state: GitHubState, node_id: str) -> PullRequest | None:
    for repo in state.repositories.values():
        for pull in repo.pulls.values():
            if pull.node_id == node_id:
                return pull
    return None
