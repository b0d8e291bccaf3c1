"""Module names computed from a template keep what the template's constant part names."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.bot.cli import main
from unshim.codemods.delete.removal import DeletionResult, prove_and_delete
from unshim.codemods.scan.build import build_index

LOCALES = {
    "app/__init__.py": "",
    "app/conf/__init__.py": "",
    "app/conf/locale/__init__.py": "",
    "app/conf/locale/de/__init__.py": "",
    "app/conf/locale/de/formats.py": "DATE_FORMAT = 'j. F Y'\n",
    "app/other/__init__.py": "",
    "app/other/formats.py": "X = 1\n",
}


def delete_de(tmp_path: Path, loader: str, package: str = "app.conf.locale.de") -> DeletionResult:
    root = make_tree(tmp_path, {**LOCALES, "app/loader.py": loader})
    return prove_and_delete(build_index(root), [package], dry_run=True)


def blocked_at(result: DeletionResult, line: int) -> list[str]:
    assert result.deleted_files == ()
    return [k.reason for k in result.kept if k.location and k.location.line == line]


def test_percent_template_tail_keeps_every_module_with_that_tail(tmp_path: Path) -> None:
    loader = """
        from importlib import import_module

        def formats(location):
            return import_module("%s.formats" % location)
    """
    for package in ("app.conf.locale.de", "app.other"):
        result = delete_de(tmp_path / package, loader, package)
        (reason,) = blocked_at(result, 4)
        assert "'%s.formats'" in reason and f"{package}.formats" in reason


def test_nested_percent_templates_keep_the_packages_below_the_head(tmp_path: Path) -> None:
    loader = """
        from importlib import import_module

        def formats(loc):
            return import_module("%s.formats" % ("app.conf.locale.%s" % loc))
    """
    root = make_tree(
        tmp_path, {**LOCALES, "app/conf/locale/fr/__init__.py": "", "app/loader.py": loader}
    )
    # `fr` has no formats module: only the inner template's head names it.
    result = prove_and_delete(build_index(root), ["app.conf.locale.fr"], dry_run=True)
    (reason,) = blocked_at(result, 4)
    assert "app.conf.locale is the constant head of the module name template" in reason
    assert "'app.conf.locale.%s'" in reason


def test_template_head_kept_in_a_list_still_blocks(tmp_path: Path) -> None:
    # Django keeps "django.conf.locale.%s" in a list and applies `%` to it later.
    loader = """
        LOCATIONS = ["app.conf.locale.%s"]
    """
    (reason,) = blocked_at(delete_de(tmp_path, loader), 1)
    assert "app.conf.locale is the constant head of the module name template" in reason


def test_str_format_template_blocks(tmp_path: Path) -> None:
    loader = """
        def name(loc):
            return "{}.formats".format(loc)
    """
    (reason,) = blocked_at(delete_de(tmp_path, loader), 2)
    assert "'{}.formats'" in reason


def test_fstring_template_blocks(tmp_path: Path) -> None:
    loader = """
        def name(loc):
            return f"app.conf.locale.{loc}"
    """
    (reason,) = blocked_at(delete_de(tmp_path, loader), 2)
    assert "app.conf.locale is the constant head" in reason


@pytest.mark.parametrize(
    "expression", ['"app.conf.locale." + loc', 'loc + ".formats"', 'f"{loc}" + ".formats"']
)
def test_concatenation_on_either_side_blocks(tmp_path: Path, expression: str) -> None:
    loader = f"""
        def name(loc):
            return {expression}
    """
    assert blocked_at(delete_de(tmp_path, loader), 2)


def test_a_dotted_prefix_compared_as_text_is_no_template(tmp_path: Path) -> None:
    loader = """
        def ours(name):
            return name.startswith("app.conf.locale.")
    """
    result = delete_de(tmp_path, loader)
    assert result.kept == ()
    assert result.deleted_files == (
        "app/conf/locale/de/__init__.py",
        "app/conf/locale/de/formats.py",
    )


def test_pickled_module_name_in_bytes_blocks(tmp_path: Path) -> None:
    loader = """
        import pickle

        OLD = pickle.loads(b"capp.conf.locale.de.formats\\nDATE_FORMAT\\n.")
    """
    (reason,) = blocked_at(delete_de(tmp_path, loader), 3)
    assert "app.conf.locale.de.formats" in reason


def test_a_template_below_no_package_of_ours_names_nothing(tmp_path: Path) -> None:
    # A logger name: "app.security" is no module, so nothing below `app` is named by it.
    loader = """
        import logging

        def log(kind):
            return logging.getLogger("app.security.%s" % kind)
    """
    result = delete_de(tmp_path, loader)
    assert result.kept == ()
    assert result.deleted_files == (
        "app/conf/locale/de/__init__.py",
        "app/conf/locale/de/formats.py",
    )


COMMANDS = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/loader.py": "",
    "app/admin/__init__.py": "",
    "app/admin/management/__init__.py": "",
    "app/admin/management/commands/__init__.py": "",
    "app/admin/management/commands/clean.py": "def run():\n    pass\n",
    "app/admin/views.py": "X = 1\n",
}


@pytest.mark.parametrize(
    ("expression", "package"),
    [
        ('"%s.management.commands.%s" % (app, name)', "app.admin.management.commands"),
        ('"%s.management.commands.%s" % (app, name)', "app.admin.management.commands.clean"),
        ('"%s.management.commands.%s" % (app, name)', "app.admin.management"),
        ('"{}.management.commands.{}".format(app, name)', "app.admin.management.commands"),
        ('f"{app}.management.commands.{name}"', "app.admin.management.commands.clean"),
        ('app + ".management.commands." + name', "app.admin.management.commands"),
    ],
)
def test_template_with_a_constant_middle_keeps_the_packages_it_names(
    tmp_path: Path, expression: str, package: str
) -> None:
    # Django loads its commands so: a computed app, a constant middle, a computed command.
    loader = f"""
        from importlib import import_module

        def load(app, name):
            return import_module({expression})
    """
    root = make_tree(tmp_path, {**COMMANDS, "app/core/loader.py": loader})
    result = prove_and_delete(build_index(root), [package], dry_run=True)
    (reason,) = blocked_at(result, 4)
    assert "app.admin.management.commands ends with the constant middle" in reason
    assert [k.location.path for k in result.kept if k.location] == ["app/core/loader.py"]


def test_a_constant_middle_names_no_package_that_does_not_end_so(tmp_path: Path) -> None:
    loader = """
        def load(app, name):
            return "%s.management.commands.%s" % (app, name)
    """
    files = {**COMMANDS, "app/core/loader.py": loader, "app/other/__init__.py": ""}
    result = prove_and_delete(build_index(make_tree(tmp_path, files)), ["app.other"], dry_run=True)
    assert result.kept == ()
    assert result.deleted_files == ("app/other/__init__.py",)


def test_analyze_does_not_call_a_package_named_by_a_constant_middle_dead(tmp_path: Path) -> None:
    from unshim.codemods.analyze.analysis import analyze

    loader = """
        def load(app, name):
            return "%s.management.commands.%s" % (app, name)
    """
    root = make_tree(tmp_path, {**COMMANDS, "app/core/loader.py": loader})
    status = {p.name: p.status for p in analyze(root).packages}
    assert status["app.admin.management.commands"] != "DEAD"
    assert status["app.admin.management"] != "DEAD"


# Django's template engine (`django/template/backends/django.py`): every app's `templatetags`
# package is imported by a computed name, then every module below it found by listing the
# package's folder. `tests/template_backends/apps/importerror/templatetags/broken_tags.py`
# imports nothing that exists, and a test expects exactly that error.
TAGS = {
    "app/__init__.py": "",
    "app/templatetags/__init__.py": "",
    "app/templatetags/broken_tags.py": "import DoesNotExist  # noqa\n",
    "app/templatetags/real.py": "X = 1\n",
    "app/plain/__init__.py": "",
    "app/plain/old.py": "from app.templatetags.real import X\n",
}
ENGINE = """
    from importlib import import_module
    from pkgutil import walk_packages

    def libraries(apps):
        for name in apps:
            pkg = import_module(f"{name}.templatetags")
            for entry in walk_packages(pkg.__path__, pkg.__name__ + "."):
                import_module(entry[1])
"""


def test_a_module_below_a_package_a_template_loads_and_lists_is_kept(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {**TAGS, "app/engine.py": ENGINE})
    result = prove_and_delete(build_index(root), ["app.templatetags.broken_tags"], dry_run=True)
    (reason,) = blocked_at(result, 6)
    assert "app.templatetags is named by the module name template '{}.templatetags'" in reason
    assert "walk_packages" in reason and "app.templatetags.broken_tags" in reason


def test_without_listing_a_template_keeps_only_what_it_names(tmp_path: Path) -> None:
    engine = ENGINE.replace("from pkgutil import walk_packages", "").replace(
        'walk_packages(pkg.__path__, pkg.__name__ + ".")', "()"
    )
    root = make_tree(tmp_path, {**TAGS, "app/engine.py": engine})
    result = prove_and_delete(build_index(root), ["app.templatetags.broken_tags"], dry_run=True)
    assert result.deleted_files == ("app/templatetags/broken_tags.py",)
    # A module below no package such a template names is deleted either way.
    root = make_tree(tmp_path / "listing", {**TAGS, "app/engine.py": ENGINE})
    result = prove_and_delete(build_index(root), ["app.plain.old"], dry_run=True)
    assert result.deleted_files == ("app/plain/old.py",)


def test_apply_keeps_a_module_below_a_package_it_did_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`apply` reads only the files that may name its shims: the `templatetags` package above the
    module is left unread, and the template's tail still names it."""
    root = make_tree(tmp_path, {**TAGS, "app/engine.py": ENGINE})
    assert main(["apply", str(root), "--shim", "app.templatetags.broken_tags"]) == 1
    assert (root / "app/templatetags/broken_tags.py").exists()
    assert "app/engine.py:6: app.templatetags.broken_tags: app.templatetags is named" in (
        capsys.readouterr().err
    )
