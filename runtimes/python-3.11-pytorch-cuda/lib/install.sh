# shellcheck shell=bash
# Builds the isolated/ tree of python-3.11-pytorch-cuda: the installed python-3.11-ml tree plus
# PyTorch built for CUDA 12.8. The CUDA user-space libraries arrive as pinned nvidia-* wheels
# (torch's own metadata pins them); the host needs only the NVIDIA driver.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/pip.sh"

# The +cu128 builds live on PyTorch's own index (x86_64 and aarch64 wheels for CPython 3.11).
TORCH_INDEX=https://download.pytorch.org/whl/cu128
# Come from the NVIDIA driver on the job host, not from the tree; the build host may lack them.
HOST_PROVIDED_LIBS=(libcuda.so.1 libnvidia-ml.so.1)

install_runtime() {
  runtime_init "$1"
  adopt_base_runtime python-3.11-ml
  pip_install_pinned --extra-index-url "$TORCH_INDEX"
  step "checking torch imports"
  "$ISOLATED/usr/local/bin/python3.11" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
  write_runtime_yml PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp PYTHONDONTWRITEBYTECODE=1 LANG=C.UTF-8 \
    MPLBACKEND=Agg MPLCONFIGDIR=/tmp OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
    NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility
}
