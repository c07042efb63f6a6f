# Sourced (not run) by the conformance scripts and examples/python/run.sh: the pinned reference
# implementation in a virtualenv.
#
#   source "$here/python-env.sh"; ensure_venv
#
# ensure_venv finds Python >= 3.13 ($VGI_PYTHON, else python3.13 on PATH, else
# ../shared/tools/python313.sh relative to the repository root), then creates
# conformance/target/venv with exactly conformance/requirements.txt, or reuses it when it was made
# from the same requirements. The caller provides $here (conformance/), $root (the repository),
# $target (conformance/target) and the functions log and die; ensure_venv sets python (the
# interpreter), venv and vpy (the virtualenv and its python).

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' 2>/dev/null; }

ensure_venv() {
  python=""
  if [[ -n "${VGI_PYTHON:-}" ]]; then
    python_ok "$VGI_PYTHON" || die "VGI_PYTHON=$VGI_PYTHON is not a Python >= 3.13"
    python="$VGI_PYTHON"
  elif command -v python3.13 >/dev/null && python_ok python3.13; then
    python="$(command -v python3.13)"
  elif [[ -x "$root/../shared/tools/python313.sh" ]]; then
    python="$("$root/../shared/tools/python313.sh")" || die "../shared/tools/python313.sh could not provide Python 3.13"
  else
    die "Python >= 3.13 is needed (vgi-rpc requires it). Set VGI_PYTHON to one, put python3.13 on PATH,
  or install it (e.g. 'uv python install 3.13', pyenv, or your distribution's python3.13 package)."
  fi
  log "python: $python ($("$python" -c 'import sys; print(sys.version.split()[0])'))"

  venv="$target/venv"
  local requirements="$here/requirements.txt"
  local stamp="$venv/.requirements"
  if [[ ! -x "$venv/bin/python" ]] || ! cmp -s "$requirements" "$stamp"; then
    log "creating $venv with $(grep -v '^#' "$requirements" | xargs)"
    rm -rf "$venv"
    mkdir -p "$target"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements" >&2
    cp "$requirements" "$stamp"
  fi
  vpy="$venv/bin/python"
}

# ensure_pyarrow: after ensure_venv, installs the pyarrow pinned in conformance/requirements-flight.txt
# into the virtualenv unless that version is already there (for the Flight interop checks and the
# pyarrow example).
ensure_pyarrow() {
  local pin
  pin="$(sed -n 's/^pyarrow==//p' "$here/requirements-flight.txt")"
  [[ -n "$pin" ]] || die "conformance/requirements-flight.txt pins no pyarrow"
  if [[ "$("$vpy" -c 'import pyarrow; print(pyarrow.__version__)' 2>/dev/null || true)" != "$pin" ]]; then
    log "installing pyarrow==$pin into $venv"
    "$vpy" -m pip install -q --disable-pip-version-check -r "$here/requirements-flight.txt" >&2 \
      || die "pip could not install conformance/requirements-flight.txt"
  fi
}
