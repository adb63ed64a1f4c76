# shellcheck shell=bash
# Installs the pinned pip packages listed in manifest.yaml into the tree copied from the base
# runtime. The same file serves python-3.11-ml and python-3.11-pytorch-cuda (a spec keeps the
# copies identical). Extra arguments go to pip, e.g. an extra index.

PYTHON_IN_TREE=/usr/local/bin/python3.11

pip_install_pinned() {
  local python="$ISOLATED$PYTHON_IN_TREE" pin file head library
  [[ -x "$python" ]] || die "the base runtime has no $PYTHON_IN_TREE; is it python-3.11 based?"
  local -a pins
  mapfile -t pins < <(manifest_list packages)
  [[ ${#pins[@]} -gt 0 ]] || die "manifest.yaml lists no packages to install"
  for pin in "${pins[@]}"; do
    [[ "$pin" == *==* ]] || die "package \"$pin\" in manifest.yaml must be pinned as name==version"
  done

  step "installing ${#pins[@]} pinned packages with pip"
  "$python" -m pip install --no-cache-dir --disable-pip-version-check --only-binary=:all: "$@" "${pins[@]}"
  step "checking the installed packages are consistent"
  "$python" -m pip check
  step "recording every installed distribution in packages.lock"
  "$python" -m pip freeze --all >"$RUNTIME_DIR/packages.lock"

  # pip writes the interpreter's setup-time path into scripts; jobs see it at $PYTHON_IN_TREE.
  step "pointing installed scripts at $PYTHON_IN_TREE"
  for file in "$ISOLATED"/usr/local/bin/*; do
    [[ -f "$file" && ! -L "$file" ]] || continue
    head="$(head -c 512 "$file" | tr -d '\0')"
    if [[ "$head" == *"$python"* ]]; then
      sed -i "1,3s|$python|$PYTHON_IN_TREE|" "$file"
    fi
  done

  step "copying host libraries the installed extension modules load"
  while IFS= read -r -d '' library; do
    copy_libs_of "$library"
  done < <(find "$ISOLATED/usr/local/lib/python3.11/site-packages" -type f -name '*.so*' -print0)
}
