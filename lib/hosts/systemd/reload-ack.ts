// The program's half of the reload handshake with the unit's ExecReload=
// helper (reload-wait.ts): it says whether it listens for 'reload', takes the
// helper's nonce when a reload begins, and acknowledges it once the reload's
// listeners settled. Main thread; synchronous file calls in a folder of the
// unit's own (RuntimeDirectory=, mode 0700), a few bytes each, checked before
// each use (runtime-folder.ts): never through a link, never in a folder
// another account can write.
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { RELOAD_ACK_VARIABLE, RELOAD_FILES } from '../../lifecycle/installed-environment';
import { checkRuntimeFolder, createFile, readSmallFile, replaceFile, runtimeFolderOf } from './runtime-folder';

export class ReloadAcknowledger {
  readonly #directory: string;
  readonly #warn: (message: string) => void;
  #nonce: string | undefined;
  // What the accepts file says now: Service calls listen() on every on(), and the file changes far less often.
  #accepting: boolean | undefined;

  private constructor(directory: string, warn: (message: string) => void) {
    this.#directory = directory;
    this.#warn = warn;
  }

  /** Only in a unit servicehost wrote (its SERVICEHOST_RELOAD_ACK=1 and RuntimeDirectory=). */
  static fromEnvironment(env: NodeJS.ProcessEnv, warn: (message: string) => void): ReloadAcknowledger | undefined {
    const directory = runtimeFolderOf(env);
    if (env[RELOAD_ACK_VARIABLE] !== '1' || directory === undefined) return undefined;
    // A child process is not the unit's main process: it must not answer.
    if (env === process.env) delete process.env[RELOAD_ACK_VARIABLE];
    return new ReloadAcknowledger(directory, warn);
  }

  accept(listening: boolean): void {
    if (listening === this.#accepting) return;
    this.#accepting = listening;
    const file = path.join(this.#directory, RELOAD_FILES.accepts);
    this.#attempt(() => (listening ? createFile(file) : rmSync(file, { force: true })));
  }

  /** A reload begins: the request it answers is the one written before the signal. */
  begin(): void {
    try {
      checkRuntimeFolder(this.#directory);
      this.#nonce = readSmallFile(path.join(this.#directory, RELOAD_FILES.request)).trim();
    } catch {
      // Signalled by someone else (kill -HUP): nobody waits.
      this.#nonce = undefined;
    }
  }

  settled(ok: boolean): void {
    const nonce = this.#nonce;
    this.#nonce = undefined;
    if (nonce === undefined) return;
    const file = path.join(this.#directory, RELOAD_FILES.ack);
    this.#attempt(() => replaceFile(file, `${nonce} ${ok ? 'ok' : 'failed'}`));
  }

  #attempt(write: () => void): void {
    try {
      checkRuntimeFolder(this.#directory);
      write();
    } catch (error) {
      this.#warn(`servicehost: the reload handshake in ${this.#directory} failed (${(error as Error).message}); systemctl reload waits until its timeout`);
    }
  }
}
