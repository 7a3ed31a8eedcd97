// Runs a program elevated through ShellExecuteExW's "runas" verb and waits for
// it, off the main thread; makes the private folder the elevated program
// answers through. shell32 and ole32 are loaded only when elevating, so a
// service process (which loads this addon too) never pays for them.
#include "elevation.h"

#include <windows.h>

#include <aclapi.h>
#include <objbase.h>
#include <sddl.h>
#include <shellapi.h>

#include <string>
#include <thread>
#include <vector>

#include "../binding.h"
#include "../common/js_error.h"
#include "wide_args.h"
#include "win32_error.h"

namespace servicehost {

namespace {

struct ElevationJob;
void DeliverOutcome(Napi::Env env, Napi::Function unused, std::nullptr_t* context, ElevationJob* job);
using OutcomeSink = Napi::TypedThreadSafeFunction<std::nullptr_t, ElevationJob, DeliverOutcome>;

// Made on the main thread, filled by the elevation thread, settled and freed on the main thread.
struct ElevationJob {
  std::wstring program;
  std::wstring parameters;
  std::wstring directory;
  Napi::Promise::Deferred deferred;
  OutcomeSink sink;
  DWORD error = ERROR_SUCCESS;  // of `syscall`, when it failed
  const char* syscall = nullptr;
  DWORD exitCode = 0;
};

// Main thread: settles the promise. env is null when the environment is gone.
void DeliverOutcome(Napi::Env env, Napi::Function /*unused*/, std::nullptr_t* /*context*/, ElevationJob* job) {
  if (env != nullptr) {
    if (job->syscall != nullptr) {
      job->deferred.Reject(Win32Error(env, job->error, job->syscall).Value());
    } else {
      Napi::Object result = Napi::Object::New(env);
      result["exitCode"] = Napi::Number::New(env, static_cast<double>(job->exitCode));
      job->deferred.Resolve(result);
    }
  }
  delete job;
}

using ShellExecuteExWFunction = BOOL(WINAPI*)(SHELLEXECUTEINFOW*);
using CoInitializeExFunction = HRESULT(WINAPI*)(LPVOID, DWORD);
using CoUninitializeFunction = void(WINAPI*)();

// The elevation thread (one per call, detached): ShellExecuteExW blocks while
// the consent prompt is up, then the process runs; neither may hold the loop.
void Elevate(ElevationJob* job) {
  HMODULE shell32 = LoadLibraryExW(L"shell32.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
  HMODULE ole32 = LoadLibraryExW(L"ole32.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
  auto shellExecuteEx = shell32 == nullptr ? nullptr
                                           : reinterpret_cast<ShellExecuteExWFunction>(
                                                 reinterpret_cast<void*>(GetProcAddress(shell32, "ShellExecuteExW")));
  auto coInitializeEx = ole32 == nullptr ? nullptr
                                         : reinterpret_cast<CoInitializeExFunction>(
                                               reinterpret_cast<void*>(GetProcAddress(ole32, "CoInitializeEx")));
  auto coUninitialize = ole32 == nullptr ? nullptr
                                         : reinterpret_cast<CoUninitializeFunction>(
                                               reinterpret_cast<void*>(GetProcAddress(ole32, "CoUninitialize")));
  if (shellExecuteEx == nullptr) {
    job->error = GetLastError();
    job->syscall = "ShellExecuteExW";
  } else {
    // The shell may hand the verb to COM objects: this thread is their apartment.
    bool comReady = coInitializeEx != nullptr &&
                    SUCCEEDED(coInitializeEx(nullptr, COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE));
    SHELLEXECUTEINFOW execute{};
    execute.cbSize = sizeof(execute);
    // NOCLOSEPROCESS: we wait for it. NOASYNC: this thread ends soon after. NO_UI: errors come back, no dialog.
    execute.fMask = SEE_MASK_NOCLOSEPROCESS | SEE_MASK_NOASYNC | SEE_MASK_FLAG_NO_UI;
    execute.lpVerb = L"runas";
    execute.lpFile = job->program.c_str();
    execute.lpParameters = job->parameters.c_str();
    execute.lpDirectory = job->directory.empty() ? nullptr : job->directory.c_str();
    execute.nShow = SW_HIDE;
    if (!shellExecuteEx(&execute)) {
      // ERROR_CANCELLED (1223): the user declined the consent prompt.
      job->error = GetLastError();
      job->syscall = "ShellExecuteExW";
    } else if (execute.hProcess == nullptr) {
      job->error = ERROR_INVALID_HANDLE;
      job->syscall = "ShellExecuteExW";
    } else {
      if (WaitForSingleObject(execute.hProcess, INFINITE) != WAIT_OBJECT_0) {
        job->error = GetLastError();
        job->syscall = "WaitForSingleObject";
      } else if (!GetExitCodeProcess(execute.hProcess, &job->exitCode)) {
        job->error = GetLastError();
        job->syscall = "GetExitCodeProcess";
      }
      CloseHandle(execute.hProcess);
    }
    if (comReady) coUninitialize();
  }
  if (ole32 != nullptr) FreeLibrary(ole32);
  if (shell32 != nullptr) FreeLibrary(shell32);
  OutcomeSink sink = job->sink;
  // Closing (the environment is going away): the job is ours to free.
  if (sink.BlockingCall(job) != napi_ok) delete job;
  sink.Release();
}

std::wstring ThisProcessUserSid() {
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return L"";
  std::vector<BYTE> buffer(SECURITY_MAX_SID_SIZE + sizeof(TOKEN_USER));
  DWORD size = 0;
  std::wstring text;
  if (GetTokenInformation(token, TokenUser, buffer.data(), static_cast<DWORD>(buffer.size()), &size)) {
    LPWSTR sid = nullptr;
    if (ConvertSidToStringSidW(reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid, &sid)) {
      text = sid;
      LocalFree(sid);
    }
  }
  CloseHandle(token);
  return text;
}

}  // namespace

Napi::Value RunElevated(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object request = ExpectObjectArgument(info, 0, "runElevated(request)");
  auto* job = new ElevationJob{
      ExpectWideString(request.Get("program"), "runElevated(request): request.program"),
      OptionalWideString(request, "parameters", "runElevated(request): request.parameters").value_or(L""),
      OptionalWideString(request, "directory", "runElevated(request): request.directory").value_or(L""),
      Napi::Promise::Deferred::New(env),
      {}};
  // Referenced: a pending elevation keeps the process alive, as a child process would.
  job->sink = OutcomeSink::New(env, "servicehost elevation", 0, 1, nullptr);
  Napi::Promise promise = job->deferred.Promise();
  std::thread(Elevate, job).detach();
  return promise;
}

// A fresh folder only this process's user (and the administrators and
// SYSTEM, who can read anything anyway) may open: a protected DACL, nothing
// inherited from the parent folder. The elevated program runs as the same
// user with its full token, or, elevated over the shoulder, as an
// administrator: both are in the list. CreateDirectoryW fails on any existing
// name, a link included, so nothing placed there beforehand is followed.
Napi::Value CreatePrivateDirectory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring path = ExpectWideString(info[0], "createPrivateDirectory(path)");
  std::wstring user = ThisProcessUserSid();
  if (user.empty()) throw Win32Error(env, GetLastError(), "GetTokenInformation");
  std::wstring sddl = L"D:P(A;OICI;FA;;;" + user + L")(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)";
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &descriptor, nullptr)) {
    throw Win32Error(env, GetLastError(), "ConvertStringSecurityDescriptorToSecurityDescriptorW");
  }
  SECURITY_ATTRIBUTES attributes{sizeof(attributes), descriptor, FALSE};
  BOOL created = CreateDirectoryW(path.c_str(), &attributes);
  DWORD error = GetLastError();
  LocalFree(descriptor);
  if (!created) throw Win32Error(env, error, "CreateDirectoryW");
  // Read back what the file system stored, for the caller to check.
  PSECURITY_DESCRIPTOR stored = nullptr;
  DWORD status = GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                       nullptr, nullptr, nullptr, nullptr, &stored);
  if (status != ERROR_SUCCESS) throw Win32Error(env, status, "GetNamedSecurityInfoW");
  LPWSTR text = nullptr;
  BOOL converted = ConvertSecurityDescriptorToStringSecurityDescriptorW(
      stored, SDDL_REVISION_1, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &text, nullptr);
  error = GetLastError();
  LocalFree(stored);
  if (!converted) throw Win32Error(env, error, "ConvertSecurityDescriptorToStringSecurityDescriptorW");
  Napi::String result = WideToJs(env, text);
  LocalFree(text);
  return result;
}

}  // namespace servicehost
