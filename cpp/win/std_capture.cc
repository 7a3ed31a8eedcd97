// Output capture: one file is the process's standard output and error, at
// every level a write can come from:
// - the standard handles (SetStdHandle): what GetStdHandle users and children
//   created without explicit handles see;
// - node.exe's C runtime fds 1 and 2: Node's fatal errors, V8's out-of-memory
//   report and process.abort()'s backtrace (fprintf to stderr), and libuv,
//   whose process.stdout and stdio 'inherit' children use fds 1 and 2;
// - this addon's own C runtime fds 1 and 2.
//
// node.exe links its C runtime statically, so its fds are not this addon's:
// _dup2 here cannot move node's fd 1. node.exe exports libuv and OpenSSL for
// addons, and these run in node's own runtime: BIO_free of a BIO_new_fd with
// BIO_CLOSE closes an fd (libuv's own close leaves fds 0 to 2 alone), and
// uv_open_osfhandle (_open_osfhandle) takes the lowest free fd, which is then
// the one just closed. A thread opening a file in between (the libuv pool)
// would take it instead; that is checked, and is the one window left.
//
// Main thread only: the register preload captures, and rotation runs between
// two main-thread writes of process.stdout/stderr.
#include "std_capture.h"

#include <fcntl.h>
#include <io.h>

#include <cstdio>
#include <mutex>

#include "../binding.h"
#include "../common/js_error.h"
#include "wide_args.h"
#include "win32_error.h"

namespace servicehost {

namespace {

// What node.exe (or a renamed copy, or Electron) exports, in its own runtime.
struct NodeRuntime {
  using OpenOsfHandle = int (*)(HANDLE);
  using GetOsfHandle = HANDLE (*)(int);
  using BioNewFd = void* (*)(int, int);
  using BioFree = int (*)(void*);
  OpenOsfHandle openOsfHandle = nullptr;  // uv_open_osfhandle
  GetOsfHandle getOsfHandle = nullptr;    // uv_get_osfhandle
  BioNewFd bioNewFd = nullptr;            // BIO_new_fd
  BioFree bioFree = nullptr;              // BIO_free

  bool CanMoveFds() const { return openOsfHandle && getOsfHandle && bioNewFd && bioFree; }
};

constexpr int kBioClose = 1;  // OpenSSL's BIO_CLOSE

template <typename Function>
Function Exported(HMODULE module, const char* name) {
  return reinterpret_cast<Function>(reinterpret_cast<void*>(GetProcAddress(module, name)));
}

const NodeRuntime& Runtime() {
  static const NodeRuntime runtime = [] {
    NodeRuntime found;
    HMODULE host = GetModuleHandleW(nullptr);
    found.openOsfHandle = Exported<NodeRuntime::OpenOsfHandle>(host, "uv_open_osfhandle");
    found.getOsfHandle = Exported<NodeRuntime::GetOsfHandle>(host, "uv_get_osfhandle");
    found.bioNewFd = Exported<NodeRuntime::BioNewFd>(host, "BIO_new_fd");
    found.bioFree = Exported<NodeRuntime::BioFree>(host, "BIO_free");
    return found;
  }();
  return runtime;
}

// The capture in place: process-wide, as the standard handles are. The file
// handle is kept for its size; the standard handles are ours to close only
// when node's fds could not be moved (otherwise node's runtime owns them).
struct Capture {
  HANDLE file = INVALID_HANDLE_VALUE;
  HANDLE stdOut = nullptr;
  HANDLE stdErr = nullptr;
  bool ownsStdHandles = false;
  // This addon's runtime's fds 1 and 2 hold handles of its own (after a first capture).
  bool ownFdsMoved = false;
};

std::mutex captureMutex;
Capture current;

HANDLE Duplicate(HANDLE handle) {
  HANDLE copy = nullptr;
  HANDLE self = GetCurrentProcess();
  // Inheritable: a child created with inherited handles and no handles of its own gets these.
  if (!DuplicateHandle(self, handle, self, &copy, 0, TRUE, DUPLICATE_SAME_ACCESS)) return nullptr;
  return copy;
}

// Points node's fd `fd` at a copy of `file`. False (and nothing changed but
// a closed fd) when the fd could not be had again.
bool MoveNodeFd(const NodeRuntime& runtime, int fd, HANDLE file) {
  HANDLE copy = Duplicate(file);
  if (copy == nullptr) return false;
  void* bio = runtime.bioNewFd(fd, kBioClose);
  if (bio != nullptr) runtime.bioFree(bio);
  int opened = runtime.openOsfHandle(copy);
  if (opened == fd) return true;
  if (opened >= 0) {
    // Another thread took `fd` meanwhile: give this one back.
    void* stray = runtime.bioNewFd(opened, kBioClose);
    if (stray != nullptr) runtime.bioFree(stray);
  } else {
    CloseHandle(copy);
  }
  return false;
}

// This addon's runtime: _dup2 closes what fd 1/2 held and copies the handle.
// Its runtime read the standard handles when it loaded, so at the first
// capture it holds node's handle values without owning them (node's own fds,
// or values since closed and reused): they are protected from that close.
void MoveOwnFd(int fd, HANDLE file, bool heldHandlesAreOwn) {
  HANDLE copy = Duplicate(file);
  if (copy == nullptr) return;
  int temporary = _open_osfhandle(reinterpret_cast<intptr_t>(copy), _O_APPEND | _O_BINARY);
  if (temporary < 0) {
    CloseHandle(copy);
    return;
  }
  std::fflush(fd == 1 ? stdout : stderr);
  HANDLE held = reinterpret_cast<HANDLE>(_get_osfhandle(fd));
  DWORD flags = 0;
  bool guard = !heldHandlesAreOwn && held != INVALID_HANDLE_VALUE && held != nullptr && GetHandleInformation(held, &flags) &&
               SetHandleInformation(held, HANDLE_FLAG_PROTECT_FROM_CLOSE, HANDLE_FLAG_PROTECT_FROM_CLOSE);
  _dup2(temporary, fd);
  if (guard) SetHandleInformation(held, HANDLE_FLAG_PROTECT_FROM_CLOSE, flags & HANDLE_FLAG_PROTECT_FROM_CLOSE);
  _close(temporary);
}

// node.exe's runtime decided at start-up, with no standard handles (a
// service), that stdout and stderr have no file (_NO_CONSOLE_FILENO, -2):
// its FILE streams, which Node's fatal errors, V8's out-of-memory report and
// process.abort()'s backtrace are written through (fprintf(stderr)), then
// write nowhere whatever fd 2 becomes. That runtime exports nothing, so its
// table of the three standard streams is found by its shape in node.exe's
// writable data (the UCRT's __crt_stdio_stream_data), and used only when
// exactly one place matches.
struct UcrtStream {
  char* ptr;
  char* base;
  int count;
  long flags;
  long file;
  int charBuffer;
  int bufferSize;
  char* temporaryName;
  CRITICAL_SECTION lock;
};

constexpr long kIoRead = 0x0001;
constexpr long kIoWrite = 0x0002;
constexpr long kIoEof = 0x0008;
constexpr long kIoError = 0x0010;
constexpr long kIoAllocated = 0x2000;
constexpr long kNoConsoleFile = -2;
constexpr ULONG_PTR kUcrtSpinCount = 4000;  // _CORECRT_SPINCOUNT

bool LooksLikeStandardStreams(const UcrtStream* streams) {
  for (long i = 0; i < 3; ++i) {
    const UcrtStream& stream = streams[i];
    if ((stream.flags & kIoAllocated) == 0 || (stream.flags & (i == 0 ? kIoRead : kIoWrite)) == 0) return false;
    if (stream.file != i && stream.file != kNoConsoleFile) return false;
    if ((stream.lock.SpinCount & 0x00FFFFFF) != kUcrtSpinCount || stream.lock.DebugInfo == nullptr) return false;
  }
  return true;
}

UcrtStream* FindNodeStandardStreams() {
  auto* image = reinterpret_cast<BYTE*>(GetModuleHandleW(nullptr));
  auto* dos = reinterpret_cast<IMAGE_DOS_HEADER*>(image);
  if (dos->e_magic != IMAGE_DOS_SIGNATURE) return nullptr;
  auto* headers = reinterpret_cast<IMAGE_NT_HEADERS*>(image + dos->e_lfanew);
  IMAGE_SECTION_HEADER* section = IMAGE_FIRST_SECTION(headers);
  UcrtStream* found = nullptr;
  for (WORD i = 0; i < headers->FileHeader.NumberOfSections; ++i, ++section) {
    if ((section->Characteristics & IMAGE_SCN_MEM_WRITE) == 0) continue;
    BYTE* start = image + section->VirtualAddress;
    for (size_t offset = 0; offset + 3 * sizeof(UcrtStream) <= section->Misc.VirtualSize; offset += alignof(UcrtStream)) {
      auto* candidate = reinterpret_cast<UcrtStream*>(start + offset);
      if (!LooksLikeStandardStreams(candidate)) continue;
      if (found != nullptr) return nullptr;  // Two look alike: touch neither.
      found = candidate;
    }
  }
  return found;
}

// Gives node's stdout and stderr FILE streams fds 1 and 2 where they had none.
bool RepairNodeStandardStreams() {
  static UcrtStream* const streams = FindNodeStandardStreams();
  if (streams == nullptr) return false;
  for (long fd = 1; fd <= 2; ++fd) {
    UcrtStream& stream = streams[fd];
    EnterCriticalSection(&stream.lock);
    if (stream.file == kNoConsoleFile) {
      stream.file = fd;
      stream.flags &= ~(kIoError | kIoEof);
    }
    LeaveCriticalSection(&stream.lock);
  }
  return true;
}

}  // namespace

CaptureResult CaptureStdOutputTo(const std::wstring& path) {
  CaptureResult result;
  SECURITY_ATTRIBUTES inheritable = {sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  // FILE_APPEND_DATA without FILE_WRITE_DATA: every write goes to the end, at
  // once, whatever else appends (children, a second handle). Shared for delete,
  // so rotation may rename it while a reader holds it.
  HANDLE file = CreateFileW(path.c_str(), FILE_APPEND_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, &inheritable, OPEN_ALWAYS,
                            FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) {
    result.error = GetLastError();
    result.syscall = "CreateFileW";
    return result;
  }
  std::lock_guard<std::mutex> lock(captureMutex);
  const NodeRuntime& runtime = Runtime();
  Capture next;
  next.file = file;
  if (runtime.CanMoveFds() && MoveNodeFd(runtime, 1, file) && MoveNodeFd(runtime, 2, file)) {
    result.nodeFds = true;
    result.stdoutFd = 1;
    result.stderrFd = 2;
    next.stdOut = runtime.getOsfHandle(1);
    next.stdErr = runtime.getOsfHandle(2);
    result.nodeStreams = RepairNodeStandardStreams();
  } else {
    next.ownsStdHandles = true;
    next.stdOut = Duplicate(file);
    next.stdErr = Duplicate(file);
    if (runtime.openOsfHandle != nullptr) {
      // Fresh node fds for JavaScript's streams; JavaScript closes them at the next rotation.
      HANDLE forStdout = Duplicate(file);
      HANDLE forStderr = Duplicate(file);
      result.stdoutFd = forStdout == nullptr ? -1 : runtime.openOsfHandle(forStdout);
      result.stderrFd = forStderr == nullptr ? -1 : runtime.openOsfHandle(forStderr);
    }
  }
  MoveOwnFd(1, file, current.ownFdsMoved);
  MoveOwnFd(2, file, current.ownFdsMoved);
  next.ownFdsMoved = true;
  SetStdHandle(STD_OUTPUT_HANDLE, next.stdOut);
  SetStdHandle(STD_ERROR_HANDLE, next.stdErr);
  Capture previous = current;
  current = next;
  if (previous.ownsStdHandles) {
    if (previous.stdOut != nullptr) CloseHandle(previous.stdOut);
    if (previous.stdErr != nullptr) CloseHandle(previous.stdErr);
  }
  if (previous.file != INVALID_HANDLE_VALUE) CloseHandle(previous.file);
  return result;
}

long long CapturedOutputSize() {
  std::lock_guard<std::mutex> lock(captureMutex);
  LARGE_INTEGER size;
  if (current.file == INVALID_HANDLE_VALUE || !GetFileSizeEx(current.file, &size)) return -1;
  return size.QuadPart;
}

// captureOutput(path) → { nodeFds, stdoutFd, stderrFd }. Main thread.
Napi::Value CaptureOutput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring path = ExpectWideString(info[0], "captureOutput(path)");
  CaptureResult captured = CaptureStdOutputTo(path);
  if (captured.syscall != nullptr) throw Win32Error(env, captured.error, captured.syscall);
  Napi::Object result = Napi::Object::New(env);
  result["nodeFds"] = captured.nodeFds;
  result["stdoutFd"] = captured.stdoutFd;
  result["stderrFd"] = captured.stderrFd;
  result["nodeStreams"] = captured.nodeStreams;
  return result;
}

// capturedOutputSize() → bytes in the current capture file, or -1. Main thread.
Napi::Value CapturedOutputSizeFromJs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(CapturedOutputSize()));
}

}  // namespace servicehost
