from __future__ import annotations

import base64

import pytest

from unshim.bot.publish.remote import auth_environment, repository_slug, scrub, secret_forms

HEADER = "AUTHORIZATION: basic " + base64.b64encode(b"x-access-token:tok").decode()


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://github.com/owner/name.git", "owner/name"),
        ("https://github.com/owner/name/", "owner/name"),
        ("https://x-access-token:tok@github.com/owner/name.git", "owner/name"),
        ("git@github.com:owner/name.git", "owner/name"),
        ("github.com:owner/name", "owner/name"),
        ("ssh://git@github.com:22/owner/name.git", "owner/name"),
        ("https://github.com/owner/name/tree/main", None),
        ("https://github.com/owner", None),
        ("file:///srv/owner/name.git", None),
        ("/srv/owner/name.git", None),
        ("../owner/name", None),
        ("C:/owner/name", None),
    ],
)
def test_repository_slug(url: str, slug: str | None) -> None:
    assert repository_slug(url) == slug


def test_auth_environment_scopes_the_header_to_the_remote_host() -> None:
    env = auth_environment("tok", "https://github.example:8443/owner/name.git", {})
    key = "http.https://github.example:8443/.extraheader"
    assert env == {
        "GIT_CONFIG_COUNT": "2",
        "GIT_CONFIG_KEY_0": key,
        "GIT_CONFIG_VALUE_0": "",
        "GIT_CONFIG_KEY_1": key,
        "GIT_CONFIG_VALUE_1": HEADER,
    }


def test_auth_environment_keeps_configuration_already_in_the_environment() -> None:
    env = auth_environment("tok", "https://github.com/o/n", {"GIT_CONFIG_COUNT": "1"})
    assert env["GIT_CONFIG_COUNT"] == "3"
    assert env["GIT_CONFIG_VALUE_2"] == HEADER
    assert "GIT_CONFIG_KEY_0" not in env


@pytest.mark.parametrize(
    ("token", "url"),
    [
        (None, "https://github.com/o/n"),
        ("", "https://github.com/o/n"),
        ("tok", "git@github.com:o/n.git"),
        ("tok", "file:///srv/o/n.git"),
    ],
)
def test_auth_environment_is_empty_without_token_or_http(token: str | None, url: str) -> None:
    assert auth_environment(token, url, {}) == {}


def test_scrub_replaces_every_form_of_the_token() -> None:
    secrets = secret_forms("tok")
    text = f"sent tok as {HEADER}"
    assert scrub(text, secrets) == "sent *** as AUTHORIZATION: basic ***"
    assert secret_forms(None) == secret_forms("") == ()
    assert scrub("unchanged", ("",)) == "unchanged"
