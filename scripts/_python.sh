# shellcheck shell=bash
# Sourced by scripts/serve and scripts/test (not run directly).
#
# Leaves the caller in the repository root with:
#   NEXUS_ROOT  absolute path of the repository
#   PY          .venv/bin/python (Python >= 3.12, project installed with [dev] extras)
#   PATH        with .venv/bin first, so ruff/pytest/celery resolve to the venv
#
# Django 6.1 needs Python >= 3.12, while many machines default to an older python3,
# so we look for a suitable interpreter instead of trusting whatever `python3` is.

NEXUS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$NEXUS_ROOT"

_nexus_venv="$NEXUS_ROOT/.venv"
_nexus_stamp="$_nexus_venv/.nexus-installed-pyproject.sha256"

# True if "$1" runs and is Python >= 3.12. pyenv shims exist for versions that are not
# active and fail when run, so actually executing the candidate is the only reliable test.
_nexus_py_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

_nexus_find_python() {
    local cand root
    if [[ -n "${PYTHON:-}" ]]; then
        if _nexus_py_ok "$PYTHON"; then
            printf '%s\n' "$PYTHON"
            return 0
        fi
        echo "note: ignoring PYTHON=$PYTHON (not a working Python >= 3.12)" >&2
    fi
    for cand in python3.13 python3.12 python3; do
        if command -v "$cand" >/dev/null 2>&1 && _nexus_py_ok "$cand"; then
            command -v "$cand"
            return 0
        fi
    done
    # pyenv-installed versions that are not the active one; newest first.
    if command -v pyenv >/dev/null 2>&1 && root="$(pyenv root 2>/dev/null)" && [[ -d "$root/versions" ]]; then
        while IFS= read -r cand; do
            if [[ -x "$cand" ]] && _nexus_py_ok "$cand"; then
                printf '%s\n' "$cand"
                return 0
            fi
        done < <(compgen -G "$root/versions/3.1[2-9]*/bin/python3" | sort -rV)
    fi
    return 1
}

if [[ ! -x "$_nexus_venv/bin/python" ]] || ! _nexus_py_ok "$_nexus_venv/bin/python"; then
    if ! _nexus_base_python="$(_nexus_find_python)"; then
        cat >&2 <<'EOF'
error: Python >= 3.12 is needed (Django 6.1 requires it) and none was found.
  Tried: $PYTHON, python3.13, python3.12, python3 on PATH, and pyenv versions 3.12+.
  Install one, e.g. `pyenv install 3.12` or your OS package (python3.12 / python3.13),
  or point PYTHON at an existing interpreter: PYTHON=/path/to/python3.12 scripts/serve
EOF
        exit 1
    fi
    # --clear replaces a venv built with an older Python (or a broken one) in place.
    if ! "$_nexus_base_python" -m venv --clear "$_nexus_venv" >/dev/null; then
        echo "error: could not create $_nexus_venv with $_nexus_base_python (is the venv module installed?)" >&2
        exit 1
    fi
    unset _nexus_base_python
fi

PY="$_nexus_venv/bin/python"
export PATH="$_nexus_venv/bin:$PATH"
export VIRTUAL_ENV="$_nexus_venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1

# Reinstall only when pyproject.toml changed since the last successful install: a no-op pip
# run still costs seconds, which adds up for every scripts/test invocation.
_nexus_want="$("$PY" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' pyproject.toml)"
_nexus_pyver="$("$PY" -c 'import platform; print(platform.python_version())')"
if [[ ! -f "$_nexus_stamp" || "$(cat "$_nexus_stamp")" != "$_nexus_want" ]]; then
    echo "python: .venv (Python $_nexus_pyver) - installing the project with dev extras..."
    _nexus_log="$_nexus_venv/pip-install.log"
    # Keep pip's chatter in a log and show it only if the install fails.
    if ! "$PY" -m pip install -e '.[dev]' >"$_nexus_log" 2>&1; then
        tail -n 40 "$_nexus_log" >&2
        echo "error: 'pip install -e .[dev]' failed (full log: $_nexus_log)" >&2
        exit 1
    fi
    printf '%s\n' "$_nexus_want" >"$_nexus_stamp"
else
    echo "python: .venv (Python $_nexus_pyver), dependencies up to date"
fi
unset _nexus_want _nexus_pyver _nexus_log _nexus_venv _nexus_stamp
