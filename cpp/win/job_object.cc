// See job_object.h. Main thread only (the register preload, before the program runs).
#include "job_object.h"

#include <windows.h>

#include "win32_error.h"

namespace servicehost {

namespace {

// Never closed on purpose: closing it would end this process and its children.
// The kernel closes it at process exit. Not inheritable, so no child holds it open.
HANDLE g_job = nullptr;

}  // namespace

Napi::Value JoinKillOnCloseJob(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  BOOL inJobBefore = FALSE;
  // NULL job: "in any job at all".
  if (!IsProcessInJob(GetCurrentProcess(), nullptr, &inJobBefore)) inJobBefore = FALSE;
  if (g_job != nullptr) {
    result["nested"] = Napi::Boolean::New(env, inJobBefore != FALSE);
    result["already"] = Napi::Boolean::New(env, true);
    return result;
  }
  HANDLE job = CreateJobObjectW(nullptr, nullptr);
  if (job == nullptr) throw Win32Error(env, GetLastError(), "CreateJobObjectW");
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = {};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_BREAKAWAY_OK;
  if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits)) {
    DWORD error = GetLastError();
    CloseHandle(job);
    throw Win32Error(env, error, "SetInformationJobObject");
  }
  if (!AssignProcessToJobObject(job, GetCurrentProcess())) {
    DWORD error = GetLastError();
    // Not assigned, so closing it ends nothing.
    CloseHandle(job);
    throw Win32Error(env, error, "AssignProcessToJobObject");
  }
  g_job = job;
  result["nested"] = Napi::Boolean::New(env, inJobBefore != FALSE);
  result["already"] = Napi::Boolean::New(env, false);
  return result;
}

}  // namespace servicehost
