// getXattr(path, name): one extended attribute of a path, not following a
// final symlink (lgetxattr), as a Buffer; null when the path has none of that
// name or its file system keeps none. The least-privilege check reads POSIX
// ACLs with it (system.posix_acl_access / _default), which Node cannot.
// Linux only; elsewhere it returns null (macOS keeps ACLs another way, and
// Windows ACLs are read by cpp/win/file_acl.cc). Runs on the main thread: a
// single small read of inode metadata.
// Listed under "common" in cpp/sources.json so every build has the symbol.
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#ifdef __linux__
#include <sys/types.h>
#include <sys/xattr.h>
#endif

#include "../binding.h"
#include "../common/js_error.h"

#ifdef __linux__
#include "errno_name.h"
#endif

namespace servicehost {

Napi::Value GetXattr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    throw MakeError(env, "ERR_INVALID_ARG_TYPE", "getXattr(path, name): both must be strings");
  }
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const std::string name = info[1].As<Napi::String>().Utf8Value();
  if (path.find('\0') != std::string::npos || name.find('\0') != std::string::npos) {
    throw MakeError(env, "ERR_INVALID_ARG_VALUE", "getXattr(path, name): a NUL byte in an argument");
  }
#ifdef __linux__
  // The size can change between the two calls (ERANGE): ask again, a few times.
  for (int attempt = 0; attempt < 4; ++attempt) {
    const ssize_t size = lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
    if (size < 0) break;
    std::vector<char> value(static_cast<size_t>(size));
    const ssize_t read = lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
    if (read >= 0) return Napi::Buffer<char>::Copy(env, value.data(), static_cast<size_t>(read));
    if (errno != ERANGE) break;
  }
  const int error = errno;
  if (error == ENODATA || error == ENOTSUP) return env.Null();
  throw MakeSystemError(env, ErrnoName(error), error, "lgetxattr", std::strerror(error) + (": " + path));
#else
  return env.Null();
#endif
}

}  // namespace servicehost
