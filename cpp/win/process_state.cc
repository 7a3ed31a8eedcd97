// Whether a process is still running, asking Windows only for what a wait
// needs. Node's process.kill(pid, 0) opens the process for PROCESS_TERMINATE,
// which an Administrator is refused for a LocalSystem (or any other account's)
// service process, so stop() could not tell a stopped service's process from a
// running one. SYNCHRONIZE is granted to Administrators on such processes, and
// waiting on the handle (for no time at all) says whether it has ended.
// Main thread only; never blocks: JavaScript polls it (every 50 ms in stop()).
#include <windows.h>

#include <cmath>
#include <memory>
#include <type_traits>

#include "../binding.h"
#include "../common/js_error.h"

namespace servicehost {

namespace {

// Closes the process handle on every path out (unique_ptr skips a null one).
struct HandleCloser {
  void operator()(HANDLE handle) const { CloseHandle(handle); }
};
using ProcessHandle = std::unique_ptr<std::remove_pointer_t<HANDLE>, HandleCloser>;

DWORD PidArgument(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw MakeTypeError(env, "processState(pid): pid must be a number");
  double pid = info[0].As<Napi::Number>().DoubleValue();
  // 0 is the System Idle Process, never a service's; above 32 bits is no Windows pid.
  if (!std::isfinite(pid) || std::trunc(pid) != pid || pid < 1 || pid > 4294967295.0) {
    throw MakeRangeError(env, "processState(pid): pid must be an integer from 1 to 4294967295");
  }
  return static_cast<DWORD>(pid);
}

const char* StateOf(DWORD pid) {
  ProcessHandle process(OpenProcess(SYNCHRONIZE, FALSE, pid));
  if (process.get() == nullptr) {
    // No process has that id (any more): Windows refuses the id itself.
    if (GetLastError() == ERROR_INVALID_PARAMETER) return "gone";
    // ERROR_ACCESS_DENIED (a protected process whose DACL does not grant
    // SYNCHRONIZE) and anything else: this process may not tell.
    return "unknown";
  }
  // A process that has ended but whose object another handle keeps (the SCM's,
  // a parent's) is signaled: gone, although the id still opens.
  switch (WaitForSingleObject(process.get(), 0)) {
    case WAIT_OBJECT_0:
      return "gone";
    case WAIT_TIMEOUT:
      return "running";
    default:
      return "unknown";
  }
}

}  // namespace

Napi::Value ProcessState(const Napi::CallbackInfo& info) {
  DWORD pid = PidArgument(info);
  return Napi::String::New(info.Env(), StateOf(pid));
}

}  // namespace servicehost
