// $NOTIFY_SOCKET, checked: a path or an @abstract name, as systemd sets it.
// A NUL would cut the address short, a relative path would reach another socket.

export function notifySocketOf(env: NodeJS.ProcessEnv): string | undefined {
  const socket = env.NOTIFY_SOCKET;
  if (!socket || socket.includes('\0') || !(socket.startsWith('/') || socket.startsWith('@'))) return undefined;
  return socket;
}

/**
 * Why a NOTIFY_SOCKET that is set cannot be used, or undefined when it can
 * (or is unset): systemd is then not notified, and a Type=notify unit's start
 * times out, so the host says so once.
 */
export function notifySocketProblem(env: NodeJS.ProcessEnv): string | undefined {
  const socket = env.NOTIFY_SOCKET;
  if (!socket || notifySocketOf(env) !== undefined) return undefined;
  const shown = JSON.stringify(socket);
  // systemd 254+ may name an AF_VSOCK address (vsock:CID:PORT, vsock-stream:, vsock-dgram:, vsock-seqpacket:) for a VM's service manager.
  if (/^vsock(-[a-z]+)?:/u.test(socket)) return `NOTIFY_SOCKET=${shown} is an AF_VSOCK address, which servicehost does not support: systemd is not notified`;
  if (socket.includes('\0')) return `NOTIFY_SOCKET=${shown} holds a NUL character: ignored, systemd is not notified`;
  return `NOTIFY_SOCKET=${shown} is a relative path, which systemd never sets (it names an absolute path or an @abstract socket): ignored, systemd is not notified`;
}
