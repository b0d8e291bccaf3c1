"""The publish stage: git and GitHub, behind a publisher the pipeline picks once per run.

- `publisher`: the `Publisher` protocol and its values `Target`, `Proposal`, `Published`.
- `github_publisher`: the real one, push and pull request: `GitHubPublisher`, `comparable`.
- `readonly`: the dry run's, which changes nothing: `ReadOnlyPublisher`.
- `github_pulls`: the GitHub operations, the only PyGithub importer: `PullRequests`.
- `github_transport`: requests to GitHub: `Transport` (recorded calls, retries, rate limits,
  paging, refusal messages), `ErrorAnswer`, `DEFAULT_API_URL`, the permission names.
- `pullrequest`: `PullRequestSpec`, `PullRequestInfo`, `PullRequestError`.
- `gitrepo`: the git repository, the only GitPython importer: `GitRepository`,
  `open_repository`, `CommitInfo`, `GitError`, `PushRejected`.
- `restore`: leaving the work tree as it was found: `restored`.
- `push_policy`: which branches unshim may push to: `push_refusal`, `bot_prefix`.
- `remote`: remote URLs and the token as values: `repository_slug`, `auth_environment`,
  `secret_forms`, `scrub`.
"""
