#!/bin/sh
# Print the Python that `make` creates .venv with: $PYTHON when set (it must be 3.11-3.13),
# else the newest of python3.13, python3.12, python3.11 and python3 that runs and is 3.11-3.13.
# Says which one on stderr; with none, one line on stderr and exit 1. POSIX sh, builtins only.

# minor CMD: 11, 12 or 13 when `CMD -V` says Python 3.11-3.13; nothing when it says another
# version or does not run (e.g. a pyenv shim for a version that is not selected)
minor() {
    case "$("$1" -V 2>&1)" in
        "Python 3.11."*) echo 11 ;;
        "Python 3.12."*) echo 12 ;;
        "Python 3.13."*) echo 13 ;;
    esac
}

nl='
'
if [ -n "${PYTHON:-}" ]; then
    if ! command -v "$PYTHON" >/dev/null 2>&1; then
        echo "make: PYTHON=$PYTHON: no such command; set PYTHON to a Python 3.11, 3.12 or 3.13" >&2
        exit 1
    fi
    if [ -z "$(minor "$PYTHON")" ]; then
        v=$("$PYTHON" -V 2>&1)
        echo "make: \`$PYTHON -V\` says \"${v%%"$nl"*}\"; vaelab needs Python 3.11, 3.12 or 3.13" >&2
        exit 1
    fi
    best=$PYTHON
else
    best= bestm=0
    for c in python3.13 python3.12 python3.11 python3; do
        command -v "$c" >/dev/null 2>&1 || continue
        m=$(minor "$c")
        if [ -n "$m" ] && [ "$m" -gt "$bestm" ]; then best=$c bestm=$m; fi
    done
    if [ -z "$best" ]; then
        echo "make: no Python 3.11, 3.12 or 3.13 found (tried python3.13, python3.12, python3.11, python3): install one with its venv module (e.g. apt install python3.12-venv), or set PYTHON=/path/to/python3.x, or use conda (conda env create -f workflow/envs/vaelab.yaml)" >&2
        exit 1
    fi
fi
echo "make: creating .venv with $best ($("$best" -V 2>&1))" >&2
echo "$best"
