"""The cache of per-file facts (`codemods.scan.cache`): keyed by the bytes, exact, and never a
reason for a run to differ. Cold (empty cache), warm (filled) and `--no-cache` runs of analyze,
apply and verify give the same diff, the same report JSON and the same inventory."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.apply_support import CANONICAL, write_tree
from unshim.bot.cli import main
from unshim.codemods.analyze.analysis import analyze
from unshim.codemods.rewrite import engine
from unshim.codemods.scan import build, reading
from unshim.codemods.scan.cache import Cache, Entry, blob_id, decode_entry, encode_entry
from unshim.codemods.scan.collector import file_facts, parse
from unshim.codemods.scan.reading import read_facts

REPO = Path(__file__).resolve().parents[1]

# A shim package, its consumers (enough files for the grammar to be checked by the worker
# processes), a file that reads as imports but does not compile, and one the scanner leaves
# to ast.
TREE: dict[str, str | bytes] = {
    **CANONICAL,
    "app/__init__.py": "",
    **{
        f"app/use{i}.py": f"from old.one import Real\nfrom old.shim import helper\nX{i} = {i}\n"
        for i in range(240)
    },
    "app/legacy.py": 'import os\nprint "hello"\n',
    "app/odd.py": "import old.renamed as r\nif True:\n    from old.one import Other\n",
    "pyproject.toml": '[tool.unshim]\nshims = ["old"]\n',
}


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout


def committed(root: Path, files: dict[str, str | bytes]) -> Path:
    write_tree(root, files)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(
        root,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-qm",
        "tree",
    )
    return root


def test_the_key_is_the_git_blob_id(tmp_path: Path) -> None:
    for data in (b"", b"import os\n", "é = 1\n".encode(), bytes(range(256)) * 40):
        path = tmp_path / "f"
        path.write_bytes(data)
        assert blob_id(data) == git(tmp_path, "hash-object", str(path)).strip()


def test_an_entry_reads_back_as_the_facts_it_was_made_from() -> None:
    # Every module of unshim itself: scanner readings, shim-candidate bodies, ast readings.
    paths = sorted((REPO / "codemods").rglob("*.py")) + sorted((REPO / "tests").glob("*.py"))
    for path in paths:
        data = path.read_bytes()
        facts, _, compiled = read_facts(data, str(path))
        whole = file_facts(parse(data), with_body=True)  # a body for every file
        for entry in (Entry(facts, "", compiled), Entry(whole, "", True)):
            assert decode_entry(json.loads(json.dumps(encode_entry(entry)))) == entry, path


def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    blob = blob_id(b"x = 1\n")
    cache.put(blob, Entry(None, "syntax error at line 1: invalid syntax"))
    assert cache.get(blob) == Entry(None, "syntax error at line 1: invalid syntax")
    path = cache.here / blob[:2] / blob[2:]
    for damaged in (b"", b"[1, 2", b'{"a": 1}', b"[null, 3, true]", b'[[[]], "", false]'):
        path.write_bytes(damaged)
        assert cache.get(blob) is None
    assert Cache(tmp_path / "c", space="another").get(blob) is None


def test_prune_keeps_the_newest_under_the_bound_and_drops_other_versions(tmp_path: Path) -> None:
    old = Cache(tmp_path, space="old-version")
    old.put(blob_id(b"old"), Entry(None, "x"))
    cache = Cache(tmp_path, max_bytes=400)
    blobs = [blob_id(str(i).encode()) for i in range(20)]
    for age, blob in enumerate(blobs):
        cache.put(blob, Entry(None, "r" * 40))
        path = cache.here / blob[:2] / blob[2:]
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    cache.prune()
    kept = [blob for blob in blobs if cache.get(blob) is not None]
    size = sum(f.stat().st_size for f in cache.here.rglob("*") if f.is_file())
    assert 0 < len(kept) < len(blobs) and size <= 400
    assert kept == blobs[-len(kept) :]  # the oldest went first
    assert not (tmp_path / "facts" / "old-version").exists()


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path) -> None:
    root = committed(tmp_path / "tree", TREE)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be\n")
    plain = analyze(root, jobs=2)
    cached = analyze(root, jobs=2, cache_dir=blocked)
    assert [p.name for p in cached.packages] == [p.name for p in plain.packages]
    assert cached.not_analyzed == plain.not_analyzed


def test_a_file_changed_in_the_work_tree_is_read_from_its_bytes(tmp_path: Path) -> None:
    """git's index still names the committed blob: the cache must not answer with it."""
    root = committed(tmp_path / "tree", TREE)
    cache = tmp_path / "cache"
    before = analyze(root, cache_dir=cache)
    assert "real.more" not in {r.target for r in before.refs if r.importer == "app.use3"}
    (root / "app/use3.py").write_text("from real.more import extra\n")
    after = analyze(root, cache_dir=cache)
    assert "real.more" in {r.target for r in after.refs if r.importer == "app.use3"}
    assert after.index.modules["app.use3"].facts == analyze(root).index.modules["app.use3"].facts


def _strip_seconds(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_seconds(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_strip_seconds(v) for v in value]
    return value


def _runs(
    pristine: Path,
    root: Path,
    flags: list[str],
    capsys: pytest.CaptureFixture[str],
    reads: list[str],
    analyzed: list[str],
) -> dict[str, Any]:
    """analyze (JSON and text), apply --dry-run (the diff), apply --format json (writing),
    the inventory after it, and verify --format json, on a fresh copy of the tree at `root`.
    `analyzed`: the files the first analyze read (from `reads`, every file read)."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(pristine, root, symlinks=True)
    out: dict[str, Any] = {}

    def cli(*args: str) -> str:
        capsys.readouterr()
        code = main([*args, *flags])
        out.setdefault("codes", []).append(code)
        return capsys.readouterr().out

    start = len(reads)
    out["analyze json"] = json.loads(cli("analyze", str(root), "--format", "json", "-j", "2"))
    analyzed.extend(reads[start:])
    out["inventory"] = cli("analyze", str(root), "-j", "2")
    out["diff"] = cli("apply", str(root), "--dry-run", "-j", "2")
    out["apply json"] = json.loads(cli("apply", str(root), "--format", "json", "-j", "2"))
    out["inventory after"] = cli("analyze", str(root), "--format", "json", "-j", "2")
    capsys.readouterr()
    assert main(["verify", str(root), "--format", "json", "-q"]) in (0, 1)
    out["verify json"] = _strip_seconds(json.loads(capsys.readouterr().out))
    return out


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path of every file read anew (not answered by the cache), in order."""
    found: list[str] = []
    real_read = reading.read_facts

    def counted(data: bytes, path: str, *, check_grammar: bool = True) -> Any:
        found.append(path)
        return real_read(data, path, check_grammar=check_grammar)

    monkeypatch.setattr(reading, "read_facts", counted)
    return found


def test_cold_warm_and_no_cache_runs_are_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reads: list[str]
) -> None:
    pristine = committed(tmp_path / "pristine", TREE)
    root = tmp_path / "tree"
    cache = tmp_path / "cache"
    analyzed: tuple[list[str], list[str], list[str]] = ([], [], [])
    flags = ["--cache-dir", str(cache)]
    cold = _runs(pristine, root, flags, capsys, reads, analyzed[0])
    entries = sorted(p for p in cache.rglob("*") if p.is_file())
    warm = _runs(pristine, root, flags, capsys, reads, analyzed[1])
    uncached = _runs(pristine, root, ["--no-cache", *flags], capsys, reads, analyzed[2])

    assert entries
    assert len(analyzed[0]) == len(analyzed[2]) == sum(p.endswith(".py") for p in TREE)
    assert analyzed[1] == []  # warm, the cache answered for every file
    assert sorted(p for p in cache.rglob("*") if p.is_file()) == entries  # nothing new written
    assert cold["analyze json"]["not_analyzed"] == [
        {"path": "app/legacy.py", "reason": "syntax error at line 2: Missing parentheses in "
         "call to 'print'. Did you mean print(...)?"}
    ]  # fmt: skip
    assert "old/one.py" in cold["diff"] and "-from old.one import Real" in cold["diff"]
    assert cold == warm == uncached


def test_runs_at_the_same_time_share_one_cache(tmp_path: Path) -> None:
    """Two processes filling the same cache folder at once: each gets the report a run
    without the cache gives, and what they leave serves a third run just as well."""
    root = committed(tmp_path / "tree", TREE)
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def start(*flags: str) -> subprocess.Popen[bytes]:
        command = [
            sys.executable,
            "-m",
            "unshim.bot",
            "analyze",
            str(root),
            "--format",
            "json",
            "-q",
        ]
        return subprocess.Popen([*command, "-j", "2", *flags], env=env, stdout=subprocess.PIPE)

    together = [start("--cache-dir", str(cache)) for _ in range(2)]
    outputs = [process.communicate(timeout=300)[0] for process in together]
    expected = start("--no-cache").communicate(timeout=300)[0]
    after = start("--cache-dir", str(cache)).communicate(timeout=300)[0]
    assert json.loads(expected)["packages"]
    assert outputs == [expected, expected] and after == expected
    assert not [p for p in cache.rglob(".tmp-*")]  # no temporary left behind


def test_run_reads_the_tree_before_from_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reads: list[str]
) -> None:
    """`run`'s verification reads the tree before the change, and the files the change
    rewrote, through the cache: a second run making the same change reads nothing anew, and
    its pull request is the one a run without the cache gives (the file that does not compile
    is still reported)."""
    root = committed(tmp_path / "tree", TREE)
    cache = tmp_path / "cache"

    def dry_run(*flags: str) -> tuple[str, list[str]]:
        capsys.readouterr()
        start = len(reads)
        assert main(["run", str(root), "--dry-run", "-q", "--python", sys.executable, *flags]) in (
            0,
            1,
        )
        assert git(root, "status", "--porcelain") == ""
        assert not list((root / ".git").glob("unshim-before-*"))  # the linked tree is gone
        # Times differ from run to run (compileall's are remembered in the git folder).
        return re.sub(r"\d+\.\d+ s\b", "? s", capsys.readouterr().out), reads[start:]

    cold, cold_reads = dry_run("--cache-dir", str(cache))
    warm, warm_reads = dry_run("--cache-dir", str(cache))
    uncached, _ = dry_run("--no-cache")
    changed = tmp_path / "changed"
    shutil.copytree(root, changed, symlinks=True)
    assert main(["apply", str(changed), "-q", "--no-cache"]) == 0
    capsys.readouterr()
    rewritten = set(git(changed, "diff", "--name-only").split())
    assert len(rewritten) > 200
    assert len(cold_reads) > len(TREE)  # the tree before was read, then the changed files
    assert set(cold_reads) >= rewritten
    assert warm_reads == []
    assert "app/legacy.py" in cold
    assert cold == warm == uncached


def test_a_warm_apply_reads_no_file_anew(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reads: list[str]
) -> None:
    """The modules apply looks into by name (where a shim's names live) and the deletion
    proof's reading of the tree after the rewrite come from the cache too: a second apply of
    the same tree reads nothing anew, and says the same. A rewritten file that still spells
    a shim's name (`old` here) is read again after the rewrite: from the cache too."""
    spelled = {"app/spelled.py": "from old.one import Real\nOLD = 'old'\n"}
    root = committed(tmp_path / "tree", {**TREE, **spelled})
    cache = tmp_path / "cache"

    def dry_run() -> tuple[str, list[str]]:
        capsys.readouterr()
        start = len(reads)
        assert main(["apply", str(root), "--dry-run", "--cache-dir", str(cache)]) == 0
        return capsys.readouterr().out, reads[start:]

    cold, cold_reads = dry_run()
    warm, warm_reads = dry_run()
    assert "real/core.py" in cold_reads  # read by name: no consumer of the shim names it
    assert warm_reads == []
    assert "-from old.one import Real" in cold and cold == warm


def test_a_warm_apply_compiles_no_file_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files apply reads for the plan without rewriting them are compiled once (their
    grammar verdict is kept in the cache), not on every run."""
    root = committed(
        tmp_path / "tree", {**TREE, "app/notes.py": "def f():\n    return 1  # see old.one\n"}
    )
    cache = tmp_path / "cache"
    compiled: list[str] = []
    real_check = reading.compile_check

    def counted(text: str, path: str) -> None:
        compiled.append(path)
        real_check(text, path)

    monkeypatch.setattr(reading, "compile_check", counted)
    monkeypatch.setattr(build, "compile_check", counted)

    def dry_run() -> tuple[str, list[str]]:
        capsys.readouterr()
        start = len(compiled)
        assert main(["apply", str(root), "--dry-run", "--cache-dir", str(cache)]) == 0
        return capsys.readouterr().out, compiled[start:]

    cold, cold_compiled = dry_run()
    warm, warm_compiled = dry_run()
    assert "app/notes.py" in cold_compiled
    assert warm_compiled == []
    assert cold == warm


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_warm_apply_does_not_compile_the_files_it_rewrites_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    """The rewrite compiles each file it is to write (the grammar check) that the scan did
    not; the cache keeps that those bytes compile, so the next run's rewrite does not compile
    them again. A file only the compiler refuses is refused on every run."""
    # With a def, a consumer is no shim candidate: the scanner reads it, and only the rewrite
    # compiles it.
    consumers = {
        f"app/use{i}.py": f"from old.one import Real\n\ndef use{i}():\n    return Real\n"
        for i in range(240)
    }
    broken = "from old.one import Real\n\ndef f():\n    pass\n\nreturn Real\n"
    files = {**CANONICAL, **consumers, "app/__init__.py": "", "app/broken.py": broken}
    root = committed(tmp_path / "tree", {**files, "pyproject.toml": TREE["pyproject.toml"]})
    cache = tmp_path / "cache"
    compiled: list[bytes] = []
    real_prepare = engine.prepare

    def counted(data: bytes, compiles: bool = False) -> Any:
        if not compiles:
            compiled.append(data)
        return real_prepare(data, compiles)

    monkeypatch.setattr(engine, "prepare", counted)

    def dry_run() -> tuple[str, str]:
        capsys.readouterr()
        main(["apply", str(root), "--dry-run", "--cache-dir", str(cache), "-j", jobs])
        return capsys.readouterr()

    cold, cold_err = dry_run()
    blobs = [blob_id((root / path).read_bytes()) for path in consumers]
    assert all(Cache(cache).get(blob).compiled for blob in blobs)  # type: ignore[union-attr]
    if jobs == "1":  # in this process: counted (the workers are other processes)
        assert len(compiled) == 241
    compiled.clear()
    warm, warm_err = dry_run()
    if jobs == "1":
        assert compiled == [broken.encode()]
    assert "+from real.core import Real" in warm and cold == warm
    for err in (cold_err, warm_err):
        assert "app/broken.py: mentions old" in err and "'return' outside function" in err


def test_a_cache_folder_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = committed(tmp_path / "tree", TREE)
    (tmp_path / "file").write_text("not a folder\n")
    assert main(["analyze", str(root), "-q", "--cache-dir", str(tmp_path / "file")]) == 2
    err = capsys.readouterr().err
    assert (
        err == f"error: --cache-dir {tmp_path / 'file'}: not a directory (or run with --no-cache)\n"
    )
    assert (tmp_path / "file").read_text() == "not a folder\n"
