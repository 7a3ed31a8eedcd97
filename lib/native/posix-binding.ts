// The raw binding's POSIX functions (cpp/posix/). On Windows each throws
// ERR_SERVICEHOST_UNSUPPORTED_PLATFORM.

export interface NativePosixBinding {
  /** One AF_UNIX datagram to `socketPath` ('/path' or '@abstract'), with `fds` as SCM_RIGHTS. Never blocks: EAGAIN is thrown. */
  sdNotify(socketPath: string, message: string, fds?: readonly number[]): void;
  /** Sets FD_CLOEXEC on an inherited fd and says whether it is a socket. */
  claimInheritedFd(fd: number): { socket: boolean };
  /** One extended attribute of a path, a final symlink not followed (lgetxattr); null when it has none. Linux; null elsewhere. */
  getXattr(path: string, name: string): Uint8Array | null;
}
