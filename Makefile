# Two commands do all set-up:  `make start` (the app at http://localhost:5000)  and  `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NPM ?= npm
# pytest-xdist: two workers, each takes a whole test file (its module-scoped servers and browser stay its own)
PYTEST_WORKERS ?= -n 2 --dist loadfile

.PHONY: start start-mock test test-fast ui venv chromium postgresql redis bench clean

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# The editor's build, redone when its sources change.
ui: ui/dist/index.html
ui/dist/index.html: $(shell find ui/src ui/public ui/index.html ui/package.json ui/vite.config.ts -type f 2>/dev/null)
	@if [ -f ui/package.json ]; then cd ui && $(NPM) ci --no-audit --no-fund --loglevel=error && $(NPM) run build; \
	else echo "no ui/ sources yet"; fi

start: venv ui
	$(PY) server.py

start-mock: venv ui
	USE_MOCK=true $(PY) server.py

# Debian's chromium for the browser tests (root, or sudo, installs it once).
chromium:
	@[ -n "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's PostgreSQL for the run store's tests (they start their own server in a temporary folder).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

# Debian's Redis for the cluster tests (they start their own redis-server on a free port in a temporary folder).
redis:
	@command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null; }

test: venv ui chromium postgresql redis
	@if [ -f ui/package.json ]; then cd ui && $(NPM) test --silent; fi
	$(PY) -m pytest -q $(PYTEST_WORKERS)

test-fast: venv
	$(PY) -m pytest -q $(PYTEST_WORKERS) -m "not browser"

bench: venv
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) ui/node_modules ui/dist
