# shellcheck shell=bash
# Builds the isolated/ tree of python-3.11-ml: the installed python-3.11 tree plus the pinned
# packages of manifest.yaml, installed from binary wheels.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/pip.sh"

install_runtime() {
  runtime_init "$1"
  adopt_base_runtime python-3.11
  # shellcheck disable=SC2119 # PyPI only: no extra pip arguments
  pip_install_pinned
  step "checking the packages import"
  "$ISOLATED/usr/local/bin/python3.11" -c 'import numpy, pandas, sklearn, scipy, matplotlib; print("ml ok")'
  write_runtime_yml PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp PYTHONDONTWRITEBYTECODE=1 LANG=C.UTF-8 \
    MPLBACKEND=Agg MPLCONFIGDIR=/tmp OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
}
