#include "win32_error.h"

#include "../common/js_error.h"

namespace servicehost {

namespace {

struct NamedError {
  DWORD code;
  const char* name;
};

// The codes a service host and a service manager meet; the rest get a numeric name.
constexpr NamedError kNamedErrors[] = {
    {ERROR_SUCCESS, "ERROR_SUCCESS"},
    {ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND"},
    {ERROR_PATH_NOT_FOUND, "ERROR_PATH_NOT_FOUND"},
    {ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED"},
    {ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE"},
    {ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY"},
    {ERROR_INVALID_ACCESS, "ERROR_INVALID_ACCESS"},
    {ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED"},
    {ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER"},
    {ERROR_CALL_NOT_IMPLEMENTED, "ERROR_CALL_NOT_IMPLEMENTED"},
    {ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER"},
    {ERROR_INVALID_NAME, "ERROR_INVALID_NAME"},
    {ERROR_INVALID_LEVEL, "ERROR_INVALID_LEVEL"},
    {ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS"},
    {ERROR_MORE_DATA, "ERROR_MORE_DATA"},
    {ERROR_INVALID_FLAGS, "ERROR_INVALID_FLAGS"},
    {ERROR_DEPENDENT_SERVICES_RUNNING, "ERROR_DEPENDENT_SERVICES_RUNNING"},
    {ERROR_INVALID_SERVICE_CONTROL, "ERROR_INVALID_SERVICE_CONTROL"},
    {ERROR_SERVICE_REQUEST_TIMEOUT, "ERROR_SERVICE_REQUEST_TIMEOUT"},
    {ERROR_SERVICE_NO_THREAD, "ERROR_SERVICE_NO_THREAD"},
    {ERROR_SERVICE_DATABASE_LOCKED, "ERROR_SERVICE_DATABASE_LOCKED"},
    {ERROR_SERVICE_ALREADY_RUNNING, "ERROR_SERVICE_ALREADY_RUNNING"},
    {ERROR_INVALID_SERVICE_ACCOUNT, "ERROR_INVALID_SERVICE_ACCOUNT"},
    {ERROR_SERVICE_DISABLED, "ERROR_SERVICE_DISABLED"},
    {ERROR_CIRCULAR_DEPENDENCY, "ERROR_CIRCULAR_DEPENDENCY"},
    {ERROR_SERVICE_DOES_NOT_EXIST, "ERROR_SERVICE_DOES_NOT_EXIST"},
    {ERROR_SERVICE_CANNOT_ACCEPT_CTRL, "ERROR_SERVICE_CANNOT_ACCEPT_CTRL"},
    {ERROR_SERVICE_NOT_ACTIVE, "ERROR_SERVICE_NOT_ACTIVE"},
    {ERROR_FAILED_SERVICE_CONTROLLER_CONNECT, "ERROR_FAILED_SERVICE_CONTROLLER_CONNECT"},
    {ERROR_EXCEPTION_IN_SERVICE, "ERROR_EXCEPTION_IN_SERVICE"},
    {ERROR_DATABASE_DOES_NOT_EXIST, "ERROR_DATABASE_DOES_NOT_EXIST"},
    {ERROR_SERVICE_SPECIFIC_ERROR, "ERROR_SERVICE_SPECIFIC_ERROR"},
    {ERROR_PROCESS_ABORTED, "ERROR_PROCESS_ABORTED"},
    {ERROR_SERVICE_DEPENDENCY_FAIL, "ERROR_SERVICE_DEPENDENCY_FAIL"},
    {ERROR_SERVICE_LOGON_FAILED, "ERROR_SERVICE_LOGON_FAILED"},
    {ERROR_SERVICE_START_HANG, "ERROR_SERVICE_START_HANG"},
    {ERROR_INVALID_SERVICE_LOCK, "ERROR_INVALID_SERVICE_LOCK"},
    {ERROR_SERVICE_MARKED_FOR_DELETE, "ERROR_SERVICE_MARKED_FOR_DELETE"},
    {ERROR_SERVICE_EXISTS, "ERROR_SERVICE_EXISTS"},
    {ERROR_SERVICE_NEVER_STARTED, "ERROR_SERVICE_NEVER_STARTED"},
    {ERROR_DUPLICATE_SERVICE_NAME, "ERROR_DUPLICATE_SERVICE_NAME"},
    {ERROR_DIFFERENT_SERVICE_ACCOUNT, "ERROR_DIFFERENT_SERVICE_ACCOUNT"},
    {ERROR_SHUTDOWN_IN_PROGRESS, "ERROR_SHUTDOWN_IN_PROGRESS"},
    {ERROR_PRIVILEGE_NOT_HELD, "ERROR_PRIVILEGE_NOT_HELD"},
    {ERROR_LOGON_FAILURE, "ERROR_LOGON_FAILURE"},
    {ERROR_NONE_MAPPED, "ERROR_NONE_MAPPED"},
    // Another machine's SCM or registry (--host) that cannot be reached.
    {ERROR_BAD_NETPATH, "ERROR_BAD_NETPATH"},
    {ERROR_INVALID_COMPUTERNAME, "ERROR_INVALID_COMPUTERNAME"},
    {RPC_S_SERVER_UNAVAILABLE, "RPC_S_SERVER_UNAVAILABLE"},
};

std::string Utf16ToUtf8(const wchar_t* text, int length) {
  if (length <= 0) return std::string();
  int bytes = WideCharToMultiByte(CP_UTF8, 0, text, length, nullptr, 0, nullptr, nullptr);
  std::string result(static_cast<size_t>(bytes > 0 ? bytes : 0), '\0');
  if (bytes > 0) WideCharToMultiByte(CP_UTF8, 0, text, length, result.data(), bytes, nullptr, nullptr);
  return result;
}

}  // namespace

std::string Win32ErrorName(DWORD error) {
  for (const NamedError& named : kNamedErrors) {
    if (named.code == error) return named.name;
  }
  return "WIN32_ERROR_" + std::to_string(error);
}

std::string Win32ErrorMessage(DWORD error) {
  wchar_t* buffer = nullptr;
  DWORD length = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, error, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), reinterpret_cast<wchar_t*>(&buffer),
      0, nullptr);
  if (length == 0 || buffer == nullptr) return "Windows error " + std::to_string(error);
  while (length > 0 && (buffer[length - 1] == L'\n' || buffer[length - 1] == L'\r' ||
                        buffer[length - 1] == L' ' || buffer[length - 1] == L'.')) {
    --length;
  }
  std::string message = Utf16ToUtf8(buffer, static_cast<int>(length));
  LocalFree(buffer);
  return message;
}

Napi::Error Win32Error(Napi::Env env, DWORD error, const char* syscall) {
  return MakeSystemError(env, Win32ErrorName(error), error, syscall, Win32ErrorMessage(error));
}

}  // namespace servicehost
