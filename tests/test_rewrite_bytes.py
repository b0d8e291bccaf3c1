"""Byte fidelity: outside the edited imports every byte of a rewritten file stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, run

CASES = [
    pytest.param(
        b"import os\r\nfrom old.shim import Real, extra  # why\r\nx = 1\r\n",
        b"import os\r\nfrom real.core import Real  # why\r\n"
        b"from real.more import extra\r\nx = 1\r\n",
        id="crlf_line_endings",
    ),
    pytest.param(
        b"\xef\xbb\xbffrom old.one import Real\nname = '\xc3\xa9t\xc3\xa9'\n",
        b"\xef\xbb\xbffrom real.core import Real\nname = '\xc3\xa9t\xc3\xa9'\n",
        id="utf8_bom",
    ),
    pytest.param(
        b"# -*- coding: latin-1 -*-\n# caf\xe9\nfrom old.one import Real\ns = '\xe9'\n",
        b"# -*- coding: latin-1 -*-\n# caf\xe9\nfrom real.core import Real\ns = '\xe9'\n",
        id="latin1_cookie_keeps_encoding",
    ),
    pytest.param(
        b"def f():\n\tfrom old.shim import Real, extra\n\treturn Real, extra\n",
        b"def f():\n\tfrom real.core import Real\n\tfrom real.more import extra\n"
        b"\treturn Real, extra\n",
        id="tab_indentation",
    ),
    pytest.param(
        b"from old.one import Real, \\\n    helper\nx = 1 + \\\n    2\n",
        b"from real.core import Real, \\\n    helper\nx = 1 + \\\n    2\n",
        id="backslash_continuations",
    ),
    pytest.param(
        b"import os; from old.shim import Real, extra; x = 1\n",
        b"import os; from real.core import Real; from real.more import extra; x = 1\n",
        id="semicolon_joined_statements",
    ),
    pytest.param(
        b"x = 1; from old.one import Real\n",
        b"x = 1; from real.core import Real\n",
        id="semicolon_import_last",
    ),
    pytest.param(
        b"from old.one import Real",
        b"from real.core import Real",
        id="no_final_newline",
    ),
    pytest.param(
        b"from old.one import (  # first\n    Real,  # second\n    # third\n    helper,\n)\n",
        b"from real.core import (  # first\n    Real,  # second\n    # third\n    helper,\n)\n",
        id="comments_inside_parentheses",
    ),
    pytest.param(
        b"x = 'single'  ;  y = \"double\"\n\n\n\nfrom old.one import Real\nz = '''\n'''\n",
        b"x = 'single'  ;  y = \"double\"\n\n\n\nfrom real.core import Real\nz = '''\n'''\n",
        id="quotes_and_blank_lines_elsewhere",
    ),
    pytest.param(
        b"import zlib\nfrom old.one import Real\nimport abc\n",
        b"import zlib\nfrom real.core import Real\nimport abc\n",
        id="order_of_untouched_imports",
    ),
]


@pytest.mark.parametrize(("before", "after"), CASES)
def test_bytes_outside_the_edit_stay(tmp_path: Path, before: bytes, after: bytes) -> None:
    run(tmp_path, {**CANONICAL, "app/use.py": before})
    assert (tmp_path / "app/use.py").read_bytes() == after


def test_only_the_edited_line_of_a_crlf_file_with_mixed_endings_changes(tmp_path: Path) -> None:
    before = b"a = 1\r\nfrom old.one import Real\nb = 2\r\n"
    run(tmp_path, {**CANONICAL, "app/use.py": before})
    after = b"a = 1\r\nfrom real.core import Real\nb = 2\r\n"
    assert (tmp_path / "app/use.py").read_bytes() == after
