# `make demo` and `make test` each set up .venv themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# pip's build backend chatters even with -q: its log is shown only when the install fails.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e . > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]' > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	touch $@

# The main job on a throwaway git copy of demo/ with a local bare remote: the inventory, then
# the pull request `unshim run` would open (a dry run: nothing is pushed, no API is called).
demo: $(VENV)/.installed-test
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	unshim="$(CURDIR)/$(BIN)/unshim"; python="$(CURDIR)/$(BIN)/python"; \
	cp -R demo "$$tmp/mexc-trader"; cd "$$tmp/mexc-trader"; \
	git init -q --bare "$$tmp/remote.git"; git init -q; git checkout -q -b main; \
	git add -A; git -c user.name=Demo -c user.email=demo@example.com commit -qm "Demo app"; \
	git remote add origin "$$tmp/remote.git"; git push -q origin main; \
	git -C "$$tmp/remote.git" symbolic-ref HEAD refs/heads/main; \
	echo "== unshim analyze (the inventory)"; "$$unshim" analyze .; \
	echo; echo "== unshim run --dry-run (the pull request it would open)"; \
	"$$unshim" run . --dry-run --python "$$python" --repository demo/mexc-trader; \
	echo; echo "== the guard: after the change, a new import through the removed layer"; \
	"$$unshim" apply . -q > /dev/null; \
	echo "from src.app.infrastructure.exchange.mexc.ws.stream import MarketStream" > src/app/late.py; \
	echo "\$$ unshim check --removed src.app.infrastructure.exchange.mexc=src.app.infrastructure.external.mexc"; \
	if "$$unshim" check . -q --removed src.app.infrastructure.exchange.mexc=src.app.infrastructure.external.mexc; \
	then echo "the guard missed it"; exit 1; else echo "(exit 1: the guard caught it)"; fi

# mypy reads bot/ and codemods/ as unshim.bot and unshim.codemods through these links
# (see [tool.mypy] in pyproject.toml; the tests make the same, tests/installed_names.py).
build/links/unshim:
	mkdir -p $@
	ln -sfn ../../../bot $@/bot
	ln -sfn ../../../codemods $@/codemods

lint: $(VENV)/.installed-test build/links/unshim
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	# grimp finds unshim.bot as Python imports it: through the links, this checkout's folders,
	# not through the editable install (which may be another checkout's).
	PYTHONPATH=build/links $(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/analyze.py
	$(BIN)/python benchmarks/apply.py
	$(BIN)/python benchmarks/short_names.py
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/memory.py

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache
