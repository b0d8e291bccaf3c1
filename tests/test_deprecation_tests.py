"""A shim's own deprecation tests: imports under a `with` that expects the warning stay, and so
does the shim."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, dedent, write_tree
from unshim.bot.cli import main
from unshim.codemods.plan.deprecation_tests import warned_import_lines


@pytest.mark.parametrize(
    "manager",
    [
        "pytest.warns(DeprecationWarning)",
        "warns(DeprecationWarning, match='old')",
        "assert_warns(DeprecationWarning)",
        "pytest.deprecated_call()",
        "warns_deprecated_sympy()",
        "self.assertWarns(DeprecationWarning)",
        "warnings.catch_warnings(record=True) as caught",
        "open('x') as f, pytest.warns(UserWarning)",
    ],
)
def test_an_import_under_a_manager_expecting_a_warning_is_found(manager: str) -> None:
    text = f"def test():\n    with {manager}:\n        from old.shim import Real\n"
    assert warned_import_lines(text) == {3}


@pytest.mark.parametrize(
    "manager",
    [
        "warnings.catch_warnings()",
        "ignore_warnings(DeprecationWarning)",
        "np.testing.suppress_warnings() as sup",
        "open('x')",
    ],
)
def test_an_import_under_a_manager_that_only_silences_is_not(manager: str) -> None:
    text = f"with {manager}:\n    from old.shim import Real\n"
    assert warned_import_lines(text) == frozenset()


def test_a_function_defined_under_the_manager_imports_later_outside_it() -> None:
    text = dedent("""\
        import pytest
        with pytest.warns(DeprecationWarning):
            def later():
                from old.shim import Real
            import old.shim
        """)
    assert warned_import_lines(text) == {5}


def test_the_shims_own_test_is_untouched_and_keeps_the_shim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own_test = dedent("""\
        import pytest
        from old.shim import Other


        def test_it_warns():
            with pytest.warns(DeprecationWarning):
                import old.shim
            with pytest.deprecated_call():
                from old.shim import Real
        """)
    files = {
        **CANONICAL,
        "tests/__init__.py": "",
        "tests/test_shim.py": own_test,
        "app/use.py": "from old.shim import Real\n",
    }
    write_tree(tmp_path, files)
    assert main(["apply", str(tmp_path), "--shim", "old.shim"]) == 1
    assert (tmp_path / "tests/test_shim.py").read_text() == own_test
    assert (tmp_path / "old/shim.py").is_file()
    assert (tmp_path / "app/use.py").read_text() == "from real.core import Real\n"
    err = capsys.readouterr().err
    assert (
        "kept: tests/test_shim.py:7: old.shim: imported here by its own deprecation test (under "
        "a `with` that expects its warning); that file is left alone and the module stays"
    ) in err


def test_an_import_that_only_silences_the_warning_is_rewritten(tmp_path: Path) -> None:
    silenced = dedent("""\
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from old.shim import Real
        """)
    files = {**CANONICAL, "app/use.py": silenced}
    write_tree(tmp_path, files)
    assert main(["apply", str(tmp_path), "--shim", "old.shim"]) == 0
    assert "from real.core import Real" in (tmp_path / "app/use.py").read_text()
    assert not (tmp_path / "old/shim.py").exists()


@pytest.mark.parametrize(
    "own_test",
    [
        "import pytest\nwith pytest.warns(DeprecationWarning):\n    from old.shim import Real\n",
        "import pytest\nwith pytest.warns(DeprecationWarning): from old.shim import Real\n",
        "import pytest\nwith pytest.warns(DeprecationWarning): \\\nfrom old.shim import Real\n",
    ],
    ids=["module-level", "one-line", "continued"],
)
def test_a_module_level_with_keeps_the_shim_too(tmp_path: Path, own_test: str) -> None:
    # The plan parses a file only for the imports that are not direct statements of its
    # module body: each of these stands inside the `with`, however it is written.
    write_tree(tmp_path, {**CANONICAL, "tests/test_shim.py": own_test})
    assert main(["apply", str(tmp_path), "--shim", "old.shim", "-q"]) == 1
    assert (tmp_path / "tests/test_shim.py").read_text() == own_test
    assert (tmp_path / "old/shim.py").is_file()
