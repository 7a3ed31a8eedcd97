// systemd's notify protocol without libsystemd: one AF_UNIX datagram to
// $NOTIFY_SOCKET per message, optionally carrying file descriptors (FDSTORE=1).
// Runs on the main thread; the send never blocks the event loop (MSG_DONTWAIT).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "../binding.h"
#include "../common/js_error.h"
#include "errno_name.h"

namespace servicehost {

namespace {

Napi::Error ErrnoError(Napi::Env env, int errnum, const char* syscall) {
  return MakeSystemError(env, ErrnoName(errnum), errnum, syscall, std::strerror(errnum));
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// '@name' is a Linux abstract name: a leading NUL and no terminator.
socklen_t FillAddress(Napi::Env env, const std::string& path, sockaddr_un* address) {
  std::memset(address, 0, sizeof(*address));
  address->sun_family = AF_UNIX;
  const bool abstract = path[0] == '@';
#ifndef __linux__
  if (abstract) throw MakeError(env, "ERR_INVALID_ARG_VALUE", "abstract socket names ('@...') exist only on Linux");
#endif
  const size_t room = sizeof(address->sun_path) - (abstract ? 0 : 1);
  if (path.size() > room) {
    throw MakeRangeError(env, "the notify socket path is longer than sockaddr_un allows (" +
                                  std::to_string(room) + " bytes): " + path);
  }
  std::memcpy(address->sun_path, path.data(), path.size());
  if (abstract) {
    address->sun_path[0] = '\0';
    return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  }
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
}

std::vector<int> ReadFds(Napi::Env env, const Napi::Value& value) {
  std::vector<int> fds;
  if (value.IsUndefined()) return fds;
  if (!value.IsArray()) throw MakeTypeError(env, "sdNotify: fds must be an array of file descriptors");
  Napi::Array array = value.As<Napi::Array>();
  if (array.Length() > 253) throw MakeRangeError(env, "sdNotify: at most 253 file descriptors fit in one message");
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    if (!item.IsNumber()) throw MakeTypeError(env, "sdNotify: fds must be an array of file descriptors");
    const double fd = item.As<Napi::Number>().DoubleValue();
    if (fd < 0 || fd > 0x7fffffff || fd != static_cast<int>(fd)) {
      throw MakeRangeError(env, "sdNotify: a file descriptor must be an integer from 0 to 2147483647");
    }
    fds.push_back(static_cast<int>(fd));
  }
  return fds;
}

}  // namespace

Napi::Value SdNotify(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || !info[1].IsString()) {
    throw MakeTypeError(env, "sdNotify(socketPath, message[, fds]): socketPath and message must be strings");
  }
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const std::string message = info[1].As<Napi::String>().Utf8Value();
  if (path.empty() || (path[0] != '/' && path[0] != '@')) {
    throw MakeError(env, "ERR_INVALID_ARG_VALUE",
                    "sdNotify: the notify socket must be an absolute path or an '@' abstract name; got \"" + path + "\"");
  }
  // A NUL would end the path early and send to another socket than the one named.
  if (path.find('\0') != std::string::npos) {
    throw MakeError(env, "ERR_INVALID_ARG_VALUE", "sdNotify: the notify socket path contains a NUL character");
  }
  const std::vector<int> fds = ReadFds(env, info[2]);

  sockaddr_un address;
  const socklen_t address_length = FillAddress(env, path, &address);

  // Close-on-exec from birth: a fork on another thread (a worker's
  // child_process) must not inherit it between socket() and fcntl().
#ifdef SOCK_CLOEXEC
  FileDescriptor socket_fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (socket_fd.get() < 0) throw ErrnoError(env, errno, "socket");
#else
  FileDescriptor socket_fd(socket(AF_UNIX, SOCK_DGRAM, 0));
  if (socket_fd.get() < 0) throw ErrnoError(env, errno, "socket");
  fcntl(socket_fd.get(), F_SETFD, FD_CLOEXEC);  // macOS has no SOCK_CLOEXEC
#endif

  iovec data{const_cast<char*>(message.data()), message.size()};
  msghdr header{};
  header.msg_name = &address;
  header.msg_namelen = address_length;
  header.msg_iov = &data;
  header.msg_iovlen = 1;
  std::vector<char> control;
  if (!fds.empty()) {
    control.resize(CMSG_SPACE(sizeof(int) * fds.size()));
    header.msg_control = control.data();
    header.msg_controllen = control.size();
    cmsghdr* rights = CMSG_FIRSTHDR(&header);
    rights->cmsg_level = SOL_SOCKET;
    rights->cmsg_type = SCM_RIGHTS;
    rights->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(rights), fds.data(), sizeof(int) * fds.size());
  }

  // Never block the event loop: a full receive queue is an error the caller sees.
  ssize_t sent;
  do {
    sent = sendmsg(socket_fd.get(), &header, MSG_DONTWAIT);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) throw ErrnoError(env, errno, "sendmsg");
  return env.Undefined();
}

Napi::Value ClaimInheritedFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throw MakeTypeError(env, "claimInheritedFd(fd): fd must be a number");
  const double value = info[0].As<Napi::Number>().DoubleValue();
  if (value < 0 || value > 0x7fffffff || value != static_cast<int>(value)) {
    throw MakeRangeError(env, "claimInheritedFd(fd): fd must be an integer from 0 to 2147483647");
  }
  const int fd = static_cast<int>(value);
  // Whether it is a socket, asked with getsockopt rather than fstat: glibc 2.33
  // made fstat an exported symbol (fstat@GLIBC_2.33), and linking it against a
  // newer glibc would raise the prebuild's floor above Node 18's glibc 2.28.
  int type = 0;
  socklen_t typeLength = sizeof type;
  bool isSocket = true;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &typeLength) < 0) {
    if (errno != ENOTSOCK) throw ErrnoError(env, errno, "getsockopt");
    isSocket = false;
  }
  // As sd_listen_fds() does: the fd belongs to this process, not to its children.
  const int flags = fcntl(fd, F_GETFD);
  if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) throw ErrnoError(env, errno, "fcntl");
  Napi::Object result = Napi::Object::New(env);
  result.Set("socket", Napi::Boolean::New(env, isSocket));
  return result;
}

}  // namespace servicehost
