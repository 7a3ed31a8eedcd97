// mingw-w64 builds only (MSVC builds get the equivalent from node-gyp or cmake-js).
//
// The addon imports N-API from "node.exe" through a delay-import library. In a
// renamed host (Electron's electron.exe, or node.exe copied under another name)
// no module is called node.exe, so this hook hands the loader the host
// executable instead, which exports N-API itself. It runs on whichever thread
// first calls into N-API, which is the main thread that loads the addon.
#include <windows.h>

#include <delayimp.h>

#include <cstring>

namespace {

FARPROC WINAPI LoadNodeApiFromHostExecutable(unsigned notification, PDelayLoadInfo info) {
  if (notification == dliNotePreLoadLibrary && _stricmp(info->szDll, "node.exe") == 0) {
    return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
  }
  return nullptr;
}

}  // namespace

PfnDliHook __pfnDliNotifyHook2 = LoadNodeApiFromHostExecutable;
