// Output capture for a Windows service: the standard handles and the C
// runtimes' fds 1 and 2 pointed at one file opened for appending (see
// std_capture.cc for why node.exe's own runtime needs its own route).
// Main thread only: the register preload opens the capture, and rotation runs
// between two writes of process.stdout/stderr, which are main-thread writes.
#pragma once

#include <windows.h>

#include <string>

namespace servicehost {

struct CaptureResult {
  // node.exe's fds 1 and 2 now write to the file. False where the host does
  // not export what that needs (Electron: no OpenSSL BIO): then only the
  // standard handles, this addon's runtime and `stdoutFd`/`stderrFd` do.
  bool nodeFds = false;
  // node.exe's stdout and stderr FILE streams (fprintf: Node's fatal errors)
  // write to fds 1 and 2; a runtime started without standard handles had left
  // them with none.
  bool nodeStreams = false;
  // The node.exe fds JavaScript writes to: 1 and 2, or fresh ones when nodeFds is false.
  int stdoutFd = -1;
  int stderrFd = -1;
  DWORD error = ERROR_SUCCESS;
  const char* syscall = nullptr;
};

// Opens (or creates) `path` for appending, shared for read, write and delete,
// and makes it the process's standard output and error. The file of an
// earlier capture is let go only once the new one is in place; on failure
// the earlier capture stays as it was.
CaptureResult CaptureStdOutputTo(const std::wstring& path);

// The current capture file's size in bytes, or -1 when there is none.
long long CapturedOutputSize();

}  // namespace servicehost
