// Prints build settings for binding.gyp: where libtorch's headers and libraries are, and the C++
// ABI it was built with. Debian's libtorch-dev by default; the libtorch at $LIBTORCH when set
// (a CUDA build from pytorch.org, or `python -c "import torch;print(torch.__path__[0])"`).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = process.env.LIBTORCH;
const what = process.argv[2];

function abiFlag() {
  if (!root) return '1'; // Debian builds with the new C++11 ABI
  for (const dir of ['share/cmake/Torch', 'lib/cmake/Torch']) {
    const file = join(root, dir, 'TorchConfig.cmake');
    if (existsSync(file)) {
      const m = /_GLIBCXX_USE_CXX11_ABI=([01])/.exec(readFileSync(file, 'utf8'));
      if (m) return m[1];
    }
  }
  return '1';
}

function libs() {
  const base = ['-ltorch', '-ltorch_cpu', '-lc10'];
  if (!root) return base;
  const libdir = join(root, 'lib');
  const names = existsSync(libdir) ? readdirSync(libdir) : [];
  // CUDA kernels register themselves when libtorch_cuda loads; keep it linked even though no
  // symbol of ours refers to it.
  const cuda = names.includes('libtorch_cuda.so') ? ['-Wl,--no-as-needed', '-ltorch_cuda', '-lc10_cuda', '-Wl,--as-needed'] : [];
  return [`-L${libdir}`, `-Wl,-rpath,${libdir}`, ...cuda, ...base];
}

// Debian's OpenCV (libopencv-imgproc-dev) for the preprocessing modules; without it alzbench
// falls back to opencv.js. Its C++ ABI is Debian's, so it is used only with Debian's libtorch ABI.
const opencv = existsSync('/usr/include/opencv4/opencv2/imgproc.hpp') && abiFlag() === '1' && process.env.ALZBENCH_NO_OPENCV !== '1';

// Debian's OpenCV imgcodecs (libopencv-imgcodecs-dev): cv::imdecode, cv2.imread's own decoder,
// for BMP/PNG/TIFF/JPEG/WebP with exact cv2 parity (it replaced a libjpeg-only decoder); without
// it sharp and libnsbmp (@cwasm/nsbmp) decode.
const imgcodecs = opencv && existsSync('/usr/include/opencv4/opencv2/imgcodecs.hpp') && process.env.ALZBENCH_NO_IMGCODECS !== '1';

const out = {
  include_dirs: [
    ...(root ? [join(root, 'include'), join(root, 'include/torch/csrc/api/include')] : ['/usr/include/torch/csrc/api/include']),
    ...(opencv ? ['/usr/include/opencv4'] : []),
  ],
  defines: [`_GLIBCXX_USE_CXX11_ABI=${abiFlag()}`, ...(opencv ? ['ALZ_WITH_OPENCV'] : []), ...(imgcodecs ? ['ALZ_WITH_IMGCODECS'] : [])],
  libraries: [...libs(), ...(imgcodecs ? ['-lopencv_imgcodecs'] : []), ...(opencv ? ['-lopencv_imgproc', '-lopencv_core'] : [])],
  sources: [...(opencv ? ['src/image_ops.cc'] : []), ...(imgcodecs ? ['src/image_decode.cc'] : [])],
};
console.log((out[what] ?? []).join(' '));
