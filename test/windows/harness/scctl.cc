// A small service controller for the Windows ring under Wine, whose sc.exe
// cannot pause, continue, interrogate or send custom controls. It speaks sc's
// language and prints the status block the way sc.exe does, so one parser
// reads both:
//   scctl pause|continue|interrogate <name>
//   scctl control <name> <code>
//   scctl burst <name> <code> <count>     (benchmarks: count controls back to back)
//   scctl qc|qdescription|qfailure <name> (configuration, printed as sc.exe prints it, in UTF-8)
// Exit code: 0, or the Win32 error of the call that failed. Before the first
// control goes out it prints "[SCCTL] sending", flushed: an exit without it (Wine
// failed to start the program, or lost it before) sent nothing, so the harness
// may run it again (scripts/windows-env.mjs, runStatusCommand).
#include <windows.h>

#include <cstdio>
#include <cwchar>
#include <cstdlib>
#include <string>
#include <vector>

#include "../../../cpp/win/scm_state_name.h"

namespace {

int Fail(const char* call) {
  DWORD error = GetLastError();
  std::printf("[SC] %s FAILED %lu\n", call, static_cast<unsigned long>(error));
  return static_cast<int>(error);
}

std::string Utf8(const wchar_t* text) {
  if (text == nullptr) return std::string();
  int bytes = WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
  std::string result(bytes > 0 ? bytes - 1 : 0, '\0');
  if (bytes > 1) WideCharToMultiByte(CP_UTF8, 0, text, -1, result.data(), bytes, nullptr, nullptr);
  return result;
}

const char* StartTypeName(DWORD type) {
  switch (type) {
    case SERVICE_BOOT_START: return "BOOT_START";
    case SERVICE_SYSTEM_START: return "SYSTEM_START";
    case SERVICE_AUTO_START: return "AUTO_START";
    case SERVICE_DEMAND_START: return "DEMAND_START";
    case SERVICE_DISABLED: return "DISABLED";
    default: return "UNKNOWN";
  }
}

const char* ActionName(SC_ACTION_TYPE type) {
  switch (type) {
    case SC_ACTION_RESTART: return "RESTART";
    case SC_ACTION_REBOOT: return "REBOOT";
    case SC_ACTION_RUN_COMMAND: return "RUN PROCESS";
    default: return "NONE";
  }
}

// One configuration query, two calls: the size, then the data.
bool Query(SC_HANDLE service, DWORD level, std::vector<BYTE>& buffer) {
  DWORD needed = 0;
  BOOL ok = level == 0 ? QueryServiceConfigW(service, nullptr, 0, &needed) : QueryServiceConfig2W(service, level, nullptr, 0, &needed);
  if (!ok && GetLastError() != ERROR_INSUFFICIENT_BUFFER) return false;
  buffer.assign(needed + 2, 0);
  return level == 0 ? QueryServiceConfigW(service, reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data()), needed, &needed)
                    : QueryServiceConfig2W(service, level, buffer.data(), needed, &needed);
}

int PrintConfiguration(const wchar_t* verb, const wchar_t* name) {
  SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (manager == nullptr) return Fail("OpenSCManager");
  SC_HANDLE service = OpenServiceW(manager, name, SERVICE_QUERY_CONFIG);
  if (service == nullptr) return Fail("OpenService");
  std::vector<BYTE> buffer;
  std::string out;
  if (std::wcscmp(verb, L"qc") == 0) {
    if (!Query(service, 0, buffer)) return Fail("QueryServiceConfig");
    auto* config = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data());
    std::string dependencies;
    for (const wchar_t* dependency = config->lpDependencies; dependency != nullptr && *dependency != L'\0'; dependency += std::wcslen(dependency) + 1) {
      dependencies += (dependencies.empty() ? "" : "\n                           : ") + Utf8(dependency);
    }
    out = "[SC] QueryServiceConfig SUCCESS\n\nSERVICE_NAME: " + Utf8(name) + "\n" +
          "        TYPE               : " + std::to_string(config->dwServiceType) + "\n" +
          "        START_TYPE         : " + std::to_string(config->dwStartType) + "   " + StartTypeName(config->dwStartType) + "\n" +
          "        ERROR_CONTROL      : " + std::to_string(config->dwErrorControl) + "\n" +
          "        BINARY_PATH_NAME   : " + Utf8(config->lpBinaryPathName) + "\n" +
          "        LOAD_ORDER_GROUP   : " + Utf8(config->lpLoadOrderGroup) + "\n" +
          "        TAG                : " + std::to_string(config->dwTagId) + "\n" +
          "        DISPLAY_NAME       : " + Utf8(config->lpDisplayName) + "\n" +
          "        DEPENDENCIES       : " + dependencies + "\n" +
          "        SERVICE_START_NAME : " + Utf8(config->lpServiceStartName) + "\n";
  } else if (std::wcscmp(verb, L"qdescription") == 0) {
    if (!Query(service, SERVICE_CONFIG_DESCRIPTION, buffer)) return Fail("QueryServiceConfig2");
    out = "[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: " + Utf8(name) + "\nDESCRIPTION:  " +
          Utf8(reinterpret_cast<SERVICE_DESCRIPTIONW*>(buffer.data())->lpDescription) + "\n";
  } else {
    if (!Query(service, SERVICE_CONFIG_FAILURE_ACTIONS, buffer)) return Fail("QueryServiceConfig2");
    auto* failure = reinterpret_cast<SERVICE_FAILURE_ACTIONSW*>(buffer.data());
    out = "[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: " + Utf8(name) + "\n" +
          "        RESET_PERIOD (in seconds)    : " + std::to_string(failure->dwResetPeriod) + "\n" +
          "        REBOOT_MESSAGE               : " + Utf8(failure->lpRebootMsg) + "\n" +
          "        COMMAND_LINE                 : " + Utf8(failure->lpCommand) + "\n";
    for (DWORD i = 0; i < failure->cActions; ++i) {
      out += std::string(i == 0 ? "        FAILURE_ACTIONS              : " : "                                       ") +
             ActionName(failure->lpsaActions[i].Type) + " -- Delay = " + std::to_string(failure->lpsaActions[i].Delay) + " milliseconds.\n";
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  CloseServiceHandle(service);
  CloseServiceHandle(manager);
  return 0;
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  if (argc >= 3 && (std::wcscmp(argv[1], L"qc") == 0 || std::wcscmp(argv[1], L"qdescription") == 0 || std::wcscmp(argv[1], L"qfailure") == 0)) {
    return PrintConfiguration(argv[1], argv[2]);
  }
  const auto usage = [] {
    std::printf("usage: scctl pause|continue|interrogate <name> | scctl control <name> <code>\n");
    return ERROR_INVALID_PARAMETER;
  };
  if (argc < 3) return usage();
  DWORD control;
  DWORD count = 1;
  if (std::wcscmp(argv[1], L"burst") == 0 && argc >= 5) {
    control = static_cast<DWORD>(std::wcstoul(argv[3], nullptr, 10));
    count = static_cast<DWORD>(std::wcstoul(argv[4], nullptr, 10));
  } else if (std::wcscmp(argv[1], L"pause") == 0) control = SERVICE_CONTROL_PAUSE;
  else if (std::wcscmp(argv[1], L"continue") == 0) control = SERVICE_CONTROL_CONTINUE;
  else if (std::wcscmp(argv[1], L"interrogate") == 0) control = SERVICE_CONTROL_INTERROGATE;
  else if (std::wcscmp(argv[1], L"control") == 0 && argc >= 4) control = static_cast<DWORD>(std::wcstoul(argv[3], nullptr, 10));
  else return usage();

  SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (manager == nullptr) return Fail("OpenSCManager");
  DWORD access = SERVICE_PAUSE_CONTINUE | SERVICE_INTERROGATE | SERVICE_USER_DEFINED_CONTROL | SERVICE_QUERY_STATUS;
  SC_HANDLE service = OpenServiceW(manager, argv[2], access);
  if (service == nullptr) return Fail("OpenService");
  SERVICE_STATUS status = {};
  std::printf("[SCCTL] sending\n");
  std::fflush(stdout);
  for (DWORD sent = 0; sent < count; ++sent) {
    if (!ControlService(service, control, &status)) return Fail("ControlService");
  }
  std::printf("\nSERVICE_NAME: %ls\n", argv[2]);
  std::printf("        TYPE               : %lx\n", static_cast<unsigned long>(status.dwServiceType));
  std::printf("        STATE              : %lu  %s\n", static_cast<unsigned long>(status.dwCurrentState), servicehost::ScmStateName(status.dwCurrentState));
  std::printf("        WIN32_EXIT_CODE    : %lu  (0x%lx)\n", static_cast<unsigned long>(status.dwWin32ExitCode), static_cast<unsigned long>(status.dwWin32ExitCode));
  std::printf("        SERVICE_EXIT_CODE  : %lu  (0x%lx)\n", static_cast<unsigned long>(status.dwServiceSpecificExitCode), static_cast<unsigned long>(status.dwServiceSpecificExitCode));
  std::printf("        CHECKPOINT         : 0x%lx\n", static_cast<unsigned long>(status.dwCheckPoint));
  std::printf("        WAIT_HINT          : 0x%lx\n", static_cast<unsigned long>(status.dwWaitHint));
  CloseServiceHandle(service);
  CloseServiceHandle(manager);
  return 0;
}
