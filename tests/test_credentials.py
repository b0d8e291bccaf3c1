"""Which variables the target's commands and the import probe never see."""

from __future__ import annotations

import pytest

from unshim.bot.config import Config, PullRequestConfig, VerifyConfig
from unshim.bot.verify.run import command_environment
from unshim.codemods.credentials import is_credential, without_credentials
from unshim.codemods.plan.importer import environment


@pytest.mark.parametrize(
    "name",
    [
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "INPUT_TOKEN",
        "ACTIONS_RUNTIME_TOKEN",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "ACTIONS_ID_TOKEN_REQUEST_URL",  # with the request token, it mints an OIDC token
        "ACTIONS_RUNTIME_URL",
        "NPM_TOKEN",
        "pypi_token",
        "AWS_SECRET_ACCESS_KEY",
        "DB_PASSWORD",
        "MYSQL_PASSWD",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "SSH_PRIVATE_KEY",
        "STRIPE_API_KEY",
        "AWS_ACCESS_KEY",
        "SIGNING_KEY",
        "GITLAB_PAT",
        "NPM_AUTH",
    ],
)
def test_a_credential_is_recognised(name: str) -> None:
    assert is_credential(name)


@pytest.mark.parametrize(
    "name",
    [
        "PATH",
        "HOME",
        "KEYBOARD_LAYOUT",
        "AUTHOR",
        "PYTHONPATH",
        "GITHUB_SHA",
        "GITHUB_REPOSITORY",
        "CI",
        "LANG",
        "MONKEY",
        "PATCH_LEVEL",
    ],
)
def test_an_ordinary_variable_is_not_a_credential(name: str) -> None:
    assert not is_credential(name)


ENVIRON = {
    "PATH": "/bin",
    "HOME": "/root",
    "GITHUB_TOKEN": "ghs_a",
    "BOT": "ghs_b",
    "SENTRY_API_KEY": "k",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "oidc",
    "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.example",
}


def test_commands_see_neither_the_token_nor_any_other_credential() -> None:
    config = Config(pr=PullRequestConfig(token_env="BOT"))
    assert command_environment(ENVIRON, config) == {"PATH": "/bin", "HOME": "/root"}


def test_pass_env_lets_a_named_credential_through() -> None:
    config = Config(verify=VerifyConfig(pass_env=("SENTRY_API_KEY",)))
    assert command_environment(ENVIRON, config) == {
        "PATH": "/bin",
        "HOME": "/root",
        "BOT": "ghs_b",
        "SENTRY_API_KEY": "k",
    }


def test_pass_env_never_passes_the_token_the_bot_pushes_with() -> None:
    config = Config(
        verify=VerifyConfig(pass_env=("GITHUB_TOKEN", "BOT")), pr=PullRequestConfig(token_env="BOT")
    )
    assert "BOT" not in command_environment(ENVIRON, config)
    assert (
        without_credentials(ENVIRON, ("BOT",), ("GITHUB_TOKEN", "BOT"))["GITHUB_TOKEN"] == "ghs_a"
    )


def test_the_import_probe_gets_the_same_environment_without_bytecode() -> None:
    env = environment(ENVIRON, ("BOT",), ("SENTRY_API_KEY",))
    assert env == {
        "PATH": "/bin",
        "HOME": "/root",
        "SENTRY_API_KEY": "k",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
