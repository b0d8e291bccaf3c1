# `tests` is a package so that the fake GitHub (tests/fakegithub) is importable from tests and
# from its own extract script; pytester runs small pytest sessions to check the fixture itself.
pytest_plugins = ["pytester", "tests.fakegithub.fixtures"]
