// SERVICE_STATUS.dwCurrentState as the SCM's own name (STOP_PENDING), for messages;
// TypeScript's ScmStateName is the same state in its own spelling (stop-pending). Header
// only: the addon and the test controller (test/windows/harness/scctl.cc) share it.
#pragma once

#include <windows.h>

namespace servicehost {

inline const char* ScmStateName(DWORD state) {
  switch (state) {
    case SERVICE_STOPPED: return "STOPPED";
    case SERVICE_START_PENDING: return "START_PENDING";
    case SERVICE_STOP_PENDING: return "STOP_PENDING";
    case SERVICE_RUNNING: return "RUNNING";
    case SERVICE_CONTINUE_PENDING: return "CONTINUE_PENDING";
    case SERVICE_PAUSE_PENDING: return "PAUSE_PENDING";
    case SERVICE_PAUSED: return "PAUSED";
    default: return "UNKNOWN";
  }
}

}  // namespace servicehost
