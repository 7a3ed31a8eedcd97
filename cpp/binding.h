// The functions the addon exports, one flat list. addon.cc wires them up; each
// platform folder implements them. See lib/native/ for their typed shape.
#pragma once

#include <napi.h>

namespace servicehost {

// Everywhere.
Napi::Value GetBuildInfo(const Napi::CallbackInfo& info);
Napi::Value UseErrorClassFromJs(const Napi::CallbackInfo& info);
// An extended attribute (Linux; null elsewhere): cpp/posix/xattr.cc.
Napi::Value GetXattr(const Napi::CallbackInfo& info);

// Windows only. On other platforms they throw ERR_SERVICEHOST_UNSUPPORTED_PLATFORM.
Napi::Value StartDispatcher(const Napi::CallbackInfo& info);
Napi::Value SetServiceStatus(const Napi::CallbackInfo& info);
Napi::Value SetControlsAccepted(const Napi::CallbackInfo& info);
Napi::Value SetDispatcherPolicy(const Napi::CallbackInfo& info);
Napi::Value GetDispatcherStats(const Napi::CallbackInfo& info);
Napi::Value DebugInvokeControlHandler(const Napi::CallbackInfo& info);
Napi::Value GetParentProcess(const Napi::CallbackInfo& info);
Napi::Value StartConsoleControlHandler(const Napi::CallbackInfo& info);
Napi::Value ReleaseConsoleControl(const Napi::CallbackInfo& info);
Napi::Value StopConsoleControlHandler(const Napi::CallbackInfo& info);
Napi::Value DebugGenerateConsoleControl(const Napi::CallbackInfo& info);
Napi::Value DebugInvokeConsoleHandler(const Napi::CallbackInfo& info);
Napi::Value WriteEventLog(const Napi::CallbackInfo& info);
// Windows only: output capture (cpp/win/std_capture.cc).
Napi::Value CaptureOutput(const Napi::CallbackInfo& info);
Napi::Value CapturedOutputSizeFromJs(const Napi::CallbackInfo& info);
Napi::Value SetLogDirectoryAcl(const Napi::CallbackInfo& info);
Napi::Value FileDacl(const Napi::CallbackInfo& info);

// Windows only: the service manager (cpp/win/manager_*.cc, service_registry.cc).
Napi::Value ScmCreateService(const Napi::CallbackInfo& info);
Napi::Value ScmChangeConfig(const Napi::CallbackInfo& info);
Napi::Value ScmQueryConfig(const Napi::CallbackInfo& info);
Napi::Value ScmSetConfig2(const Napi::CallbackInfo& info);
Napi::Value ScmQueryStatus(const Napi::CallbackInfo& info);
Napi::Value ScmStartService(const Napi::CallbackInfo& info);
Napi::Value ScmControlService(const Napi::CallbackInfo& info);
Napi::Value ScmDeleteService(const Napi::CallbackInfo& info);
Napi::Value ScmEnumServices(const Napi::CallbackInfo& info);
Napi::Value ScmSetEnvironment(const Napi::CallbackInfo& info);
Napi::Value ScmGetEnvironment(const Napi::CallbackInfo& info);
Napi::Value ScmSetServiceValue(const Napi::CallbackInfo& info);
Napi::Value ScmGetServiceValue(const Napi::CallbackInfo& info);
Napi::Value FileWriters(const Napi::CallbackInfo& info);
// Windows only: elevation (cpp/win/elevation.cc).
Napi::Value RunElevated(const Napi::CallbackInfo& info);
Napi::Value CreatePrivateDirectory(const Napi::CallbackInfo& info);
Napi::Value SetEventLogSource(const Napi::CallbackInfo& info);
Napi::Value GetEventLogSource(const Napi::CallbackInfo& info);
Napi::Value RemoveEventLogSource(const Napi::CallbackInfo& info);
// Windows only: the service's job (cpp/win/job_object.cc) and account rights (cpp/win/account_rights.cc).
Napi::Value JoinKillOnCloseJob(const Napi::CallbackInfo& info);
Napi::Value GetAccountRights(const Napi::CallbackInfo& info);
Napi::Value GrantAccountRights(const Napi::CallbackInfo& info);
Napi::Value RevokeAccountRights(const Napi::CallbackInfo& info);
// Windows only: whether a process runs, by SYNCHRONIZE access alone (cpp/win/process_state.cc).
Napi::Value ProcessState(const Napi::CallbackInfo& info);

// POSIX only. On Windows they throw ERR_SERVICEHOST_UNSUPPORTED_PLATFORM.
Napi::Value SdNotify(const Napi::CallbackInfo& info);
Napi::Value ClaimInheritedFd(const Napi::CallbackInfo& info);

}  // namespace servicehost
