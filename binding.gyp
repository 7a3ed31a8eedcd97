{
  # node-gyp's description of the addon, used by `npm install` from source when
  # no prebuild fits. The source list lives in cpp/sources.json, shared with
  # CMakeLists.txt (prebuilds and cross builds).
  "targets": [
    {
      "target_name": "servicehost",
      "sources": [
        "<!@(node -p \"require('./cpp/sources.json').common.join(' ')\")"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-fvisibility=hidden"],
      # A renamed host (Electron) has no node.exe: resolve N-API from the host executable.
      "win_delay_load_hook": "true",
      "conditions": [
        ["OS=='win'", {
          "sources": [
            "<!@(node -p \"require('./cpp/sources.json').win32.join(' ')\")"
          ],
          "defines": ["UNICODE", "_UNICODE", "WIN32_LEAN_AND_MEAN", "NOMINMAX"],
          "libraries": ["advapi32.lib"],
          "msvs_settings": {
            "VCCLCompilerTool": {
              "ExceptionHandling": 1,
              "AdditionalOptions": ["/std:c++17", "/utf-8"]
            }
          }
        }],
        ["OS!='win'", {
          "sources": [
            "<!@(node -p \"require('./cpp/sources.json').posix.join(' ')\")"
          ]
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "MACOSX_DEPLOYMENT_TARGET": "10.15"
          }
        }]
      ]
    }
  ]
}
