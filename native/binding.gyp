{
  "targets": [
    {
      "target_name": "alzbench_native",
      "sources": [
        "src/addon.cc",
        "src/handle.cc",
        "src/op_call.cc",
        "src/tensor_io.cc",
        "src/autograd.cc",
        "src/runtime.cc",
        "src/op_trace.cc",
        "src/async_batch.cc",
        "src/fused_norm.cc",
        "<!@(node native-config.mjs sources)"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node native-config.mjs include_dirs)"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "<!@(node native-config.mjs defines)"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-fopenmp", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "ldflags": ["-fopenmp"],
      "libraries": ["<!@(node native-config.mjs libraries)"]
    }
  ]
}
