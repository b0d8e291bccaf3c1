"""How requests reach GitHub: one recorded call each, retries, backoff, rate limits, paging, and
the message for a refusal.

Every API call goes through `Transport.call`, one HTTP request each, which
- records "METHOD /path" in `calls`, so the run's notes can say exactly what was done;
- retries what GitHub says is transient (5xx, secondary rate limits), honouring `retry-after`;
- turns anything else into a `PullRequestError` that says what failed and which workflow
  permission or repository setting is missing, never containing the token.

No PyGithub here: the client library's error for an HTTP answer reaches this module as an
`ErrorAnswer` (bot.publish.github_pulls converts it), so the decisions work on plain values.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, TypeVar

from unshim.bot.publish.pullrequest import PullRequestError

DEFAULT_API_URL = "https://api.github.com"
PER_PAGE = 100
# GitHub's guidance for a secondary rate limit without `retry-after`: wait at least a minute.
SECONDARY_RATE_WAIT = 60.0
# A job that waits longer than this for GitHub is better off failing with a clear message.
MAX_WAIT = 300.0

CONTENTS_WRITE = "contents: write"
PULLS_READ = "pull-requests: read"
PULLS_WRITE = "pull-requests: write"
ISSUES_WRITE = "issues: write"

ACTIONS_SETTING = (
    'the repository setting "Allow GitHub Actions to create and approve pull requests" '
    "(Settings > Actions > General > Workflow permissions; for an organization's repositories "
    "it must also be allowed in the organization's settings)"
)

T = TypeVar("T")


class ErrorAnswer(Exception):
    """GitHub answered a request with an error: its status, JSON body and headers (names in
    lower case). Not a frozen dataclass: raising an exception sets attributes on it."""

    def __init__(self, status: int, data: Any, headers: Mapping[str, str]) -> None:
        super().__init__(status)
        self.status = status
        self.data = data
        self.headers = headers


class Transport:
    """The requests made for one repository with one token, and what to do when one fails."""

    def __init__(
        self,
        *,
        token: str,
        repository: str,
        api_url: str,
        retries: int,
        backoff: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._token = token
        self._repository = repository
        self._api_url = api_url
        self._retries = retries
        self._backoff = backoff
        self._sleep = sleep
        self._calls: list[str] = []

    @property
    def calls(self) -> tuple[str, ...]:
        """Every API request made so far as "METHOD /path", retries included, in order."""
        return tuple(self._calls)

    def all(
        self, path: str, get_page: Callable[[int], list[T]], what: str, permission: str
    ) -> list[T]:
        """Every item of a listing, one page (and one recorded call) at a time."""
        items: list[T] = []
        page = 0
        while True:
            batch = self.call("GET", path, functools.partial(get_page, page), what, permission)
            items.extend(batch)
            if len(batch) < PER_PAGE:
                return items
            page += 1

    def call(
        self, method: str, path: str, request: Callable[[], T], what: str, permission: str
    ) -> T:
        attempt = 0
        while True:
            self._calls.append(f"{method} {path}")
            try:
                return request()
            except ErrorAnswer as error:
                wait = self._retry_wait(error, attempt)
                if wait is None:
                    raise self._refusal(error, what, permission) from None
            except OSError as error:  # requests' connection errors and timeouts are OSErrors
                if attempt >= self._retries:
                    raise PullRequestError(
                        self._redact(
                            f"{what} failed: cannot reach {self._api_url} "
                            f"({type(error).__name__}) after {attempt + 1} attempts"
                        )
                    ) from None
                wait = self._backoff * 2.0**attempt
            attempt += 1
            self._sleep(wait)

    def _retry_wait(self, error: ErrorAnswer, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None if this failure is not worth retrying."""
        if attempt >= self._retries:
            return None
        headers = error.headers
        if error.status >= 500:
            return self._backoff * 2.0**attempt
        if error.status in (403, 429) and (
            "retry-after" in headers or error.status == 429 or _is_secondary_limit(error)
        ):
            try:
                wait = float(headers.get("retry-after") or SECONDARY_RATE_WAIT)
            except ValueError:
                wait = SECONDARY_RATE_WAIT
            return wait if wait <= MAX_WAIT else None
        return None

    def _refusal(self, error: ErrorAnswer, what: str, permission: str) -> PullRequestError:
        status = error.status
        said = _github_message(error)
        if status == 401:
            text = (
                f"{what} failed: GitHub rejected the token (401 {said or 'Bad credentials'}): "
                "it is wrong, expired or revoked. Check the token in the environment variable "
                "named by [tool.unshim.pr] token-env (GITHUB_TOKEN by default)"
            )
        elif status in (403, 429) and (_is_secondary_limit(error) or status == 429):
            text = (
                f"{what} failed: GitHub's secondary rate limit still applied after "
                f"{self._retries + 1} attempts ({status}); run again later"
            )
        elif status == 403 and said.lower().startswith("api rate limit exceeded"):
            reset = _reset_time(error.headers)
            text = f"{what} failed: the token's API rate limit is used up; it resets {reset}"
        elif status == 403 and "not permitted to create or approve pull requests" in said:
            text = f"{what} failed: GitHub said {said!r}. Enable {ACTIONS_SETTING}"
        elif status in (403, 422) and "permission to create labels" in said:
            text = f"{what} failed: GitHub said {said!r}. The workflow needs `{ISSUES_WRITE}`"
        elif status == 403 or "not accessible by integration" in said:
            # GraphQL reports the same refusal as an error inside a 200 answer.
            need = f"`{permission}`" if permission else "more permissions"
            text = (
                f"{what} failed: GitHub said {said!r} ({status}). The token lacks {need}: add "
                "it under `permissions:` in the workflow job, or grant it to the token"
            )
        elif status == 404:
            text = (
                f"{what} failed: GitHub answered 404 Not Found. Either it does not exist, or "
                f"the token cannot see {self._repository}"
                + (f" (it needs `{permission}`)" if permission else "")
                + "; GitHub answers 404, not 403, for what a token may not see"
            )
        elif status >= 500:
            text = (
                f"{what} failed: GitHub answered {status} ({said}) to all "
                f"{self._retries + 1} attempts; run again later"
            )
        else:
            text = f"{what} failed: GitHub answered {status}: {said}"
        return PullRequestError(self._redact(text), status=status)

    def _redact(self, text: str) -> str:
        # GitHub never echoes the token, but a message must not leak it even if it did.
        return text.replace(self._token, "***")


def _github_message(error: ErrorAnswer) -> str:
    """GitHub's own message, with the details of a 422 (which field, which problem)."""
    data: Any = error.data
    if not isinstance(data, dict):
        return ""
    message = str(data.get("message") or "")
    details = []
    for item in data.get("errors") or ():
        if isinstance(item, dict):
            details.append(
                str(item.get("message") or "")
                or " ".join(str(item.get(k)) for k in ("resource", "field", "code") if item.get(k))
            )
        else:
            details.append(str(item))
    if not details:
        return message
    return f"{message}: {'; '.join(details)}" if message else "; ".join(details)


def _is_secondary_limit(error: ErrorAnswer) -> bool:
    message = _github_message(error).lower()
    return (
        "secondary rate limit" in message
        or message.endswith("please retry your request again later.")
        or "please wait a few minutes before you try again" in message
    )


def _reset_time(headers: Mapping[str, str]) -> str:
    reset = headers.get("x-ratelimit-reset", "")
    if not reset.isdigit():
        return "later"
    return datetime.fromtimestamp(int(reset), timezone.utc).strftime("at %H:%M UTC")
