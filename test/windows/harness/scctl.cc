// A small service controller for the Windows ring under Wine, whose sc.exe
// cannot pause, continue, interrogate or send custom controls. It speaks sc's
// language and prints the status block the way sc.exe does, so one parser
// reads both:
//   scctl pause|continue|interrogate <name>
//   scctl control <name> <code>
//   scctl burst <name> <code> <count>     (benchmarks: count controls back to back)
// Exit code: 0, or the Win32 error of the call that failed.
#include <windows.h>

#include <cstdio>
#include <cwchar>
#include <cstdlib>

#include "../../../cpp/win/service_state_name.h"

namespace {

int Fail(const char* call) {
  DWORD error = GetLastError();
  std::printf("[SC] %s FAILED %lu\n", call, static_cast<unsigned long>(error));
  return static_cast<int>(error);
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  if (argc < 3) {
    std::printf("usage: scctl pause|continue|interrogate <name> | scctl control <name> <code>\n");
    return ERROR_INVALID_PARAMETER;
  }
  DWORD control;
  DWORD count = 1;
  if (std::wcscmp(argv[1], L"burst") == 0 && argc >= 5) {
    control = static_cast<DWORD>(std::wcstoul(argv[3], nullptr, 10));
    count = static_cast<DWORD>(std::wcstoul(argv[4], nullptr, 10));
  } else if (std::wcscmp(argv[1], L"pause") == 0) control = SERVICE_CONTROL_PAUSE;
  else if (std::wcscmp(argv[1], L"continue") == 0) control = SERVICE_CONTROL_CONTINUE;
  else if (std::wcscmp(argv[1], L"interrogate") == 0) control = SERVICE_CONTROL_INTERROGATE;
  else if (std::wcscmp(argv[1], L"control") == 0 && argc >= 4) control = static_cast<DWORD>(std::wcstoul(argv[3], nullptr, 10));
  else return ERROR_INVALID_PARAMETER;

  SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (manager == nullptr) return Fail("OpenSCManager");
  DWORD access = SERVICE_PAUSE_CONTINUE | SERVICE_INTERROGATE | SERVICE_USER_DEFINED_CONTROL | SERVICE_QUERY_STATUS;
  SC_HANDLE service = OpenServiceW(manager, argv[2], access);
  if (service == nullptr) return Fail("OpenService");
  SERVICE_STATUS status = {};
  for (DWORD sent = 0; sent < count; ++sent) {
    if (!ControlService(service, control, &status)) return Fail("ControlService");
  }
  std::printf("\nSERVICE_NAME: %ls\n", argv[2]);
  std::printf("        TYPE               : %lx\n", static_cast<unsigned long>(status.dwServiceType));
  std::printf("        STATE              : %lu  %s\n", static_cast<unsigned long>(status.dwCurrentState), servicehost::ServiceStateName(status.dwCurrentState));
  std::printf("        WIN32_EXIT_CODE    : %lu  (0x%lx)\n", static_cast<unsigned long>(status.dwWin32ExitCode), static_cast<unsigned long>(status.dwWin32ExitCode));
  std::printf("        SERVICE_EXIT_CODE  : %lu  (0x%lx)\n", static_cast<unsigned long>(status.dwServiceSpecificExitCode), static_cast<unsigned long>(status.dwServiceSpecificExitCode));
  std::printf("        CHECKPOINT         : 0x%lx\n", static_cast<unsigned long>(status.dwCheckPoint));
  std::printf("        WAIT_HINT          : 0x%lx\n", static_cast<unsigned long>(status.dwWaitHint));
  CloseServiceHandle(service);
  CloseServiceHandle(manager);
  return 0;
}
