// $NOTIFY_SOCKET, checked: a path or an @abstract name, as systemd sets it.
// A NUL would cut the address short, a relative path would reach another socket.

export function notifySocketOf(env: NodeJS.ProcessEnv): string | undefined {
  const socket = env.NOTIFY_SOCKET;
  if (!socket || socket.includes('\0') || !(socket.startsWith('/') || socket.startsWith('@'))) return undefined;
  return socket;
}
