#!/usr/bin/env bash
# Installs the Debian packages alzbench needs, when missing:
#   libtorch-dev          libtorch (C++ headers and libraries) the native addon builds against
#   libopencv-imgproc-dev OpenCV (cv2's own library) for the preprocessing modules, in the addon
#   libjpeg62-turbo-dev   libjpeg-turbo (cv2.imread's decoder) for fast JPEG decoding, in the addon
#   python3-torch,        PyTorch and torchvision on the same libtorch, for the reference-parity
#   python3-torchvision   tests and the benchmarks against PyTorch
#   python3-opencv        cv2, for the preprocessing parity fixtures and benchmark
#   python3-nibabel,      nibabel and scipy.ndimage, the references the volume reader's fixtures
#   python3-scipy         (scripts/fixtures/make_volume_fixtures.py) and bench/data compare against
#   mricron-data          the Colin27 brain template and atlases the demo data generator starts from
#   libjemalloc2          an allocator that keeps long trainings' memory flat (see BENCHMARKS.md)
#   postgresql            the PostgreSQL server the run store's tests start in a temporary data dir
#                         (the store itself needs only a server URL: --db postgres://...)
#   chromium              the headless browser the dashboard's end-to-end tests drive (playwright-core)
# Needs root (or sudo). Set ALZBENCH_SKIP_APT=1 to skip (e.g. with LIBTORCH pointing at a CUDA build).
set -euo pipefail
packages=(libtorch-dev libopencv-imgproc-dev libjpeg62-turbo-dev python3-torch python3-torchvision python3-opencv python3-nibabel python3-scipy mricron-data libjemalloc2 postgresql chromium)
[ "${ALZBENCH_SKIP_APT:-}" = 1 ] && exit 0
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "alzbench: these Debian packages are missing: ${missing[*]}" >&2
  echo "Install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "alzbench: installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
