// Where service.listen() asks for the listening sockets a manager passed: the
// package's entry (lib/index.ts) hands in systemd's LISTEN_FDS reader, as it
// hands Service its host, so the lifecycle names no platform. Without the
// entry none are inherited, and service.listen() binds.
import type { ListenAddress } from './listen-address';

/** A socket a manager passed: its fd, its name, whether it is a socket, and where it is bound. */
export interface InheritedSocket {
  fd: number;
  name: string;
  socket: boolean;
  /** The address it is bound to (a tcp one always with its host), when the host can tell. */
  bound?: ListenAddress;
}

let read: () => readonly InheritedSocket[] = () => [];

/** Called once by the entry. The reader is asked once per service.listen() call. */
export function useInheritedSockets(reader: () => readonly InheritedSocket[]): void {
  read = reader;
}

export function inheritedSockets(): readonly InheritedSocket[] {
  return read();
}
