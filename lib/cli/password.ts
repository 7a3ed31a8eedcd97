// The password of a Windows user account for `install --account DOMAIN\user`:
// from stdin (--password-stdin), else SERVICEHOST_ACCOUNT_PASSWORD, else asked
// on the terminal without echo. Never from the command line, where every
// process list would show it.
export const PASSWORD_VARIABLE = 'SERVICEHOST_ACCOUNT_PASSWORD';

// Taken out of the environment when the command's code loads, before any verb
// runs: every verb starts children (systemctl, launchctl, sc, journalctl), and
// whichever verb it is, none of them inherits the password.
let taken: string | undefined = process.env[PASSWORD_VARIABLE];
delete process.env[PASSWORD_VARIABLE];

/**
 * Takes the password out of the environment (again: the elevated side puts
 * it back for the command it runs), else the one taken at load; undefined
 * when there was none.
 */
export function takePasswordFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const password = env[PASSWORD_VARIABLE];
  delete env[PASSWORD_VARIABLE];
  if (env !== process.env) return password;
  if (password !== undefined) taken = password;
  return taken;
}

/** All of stdin, without its final line break. */
export async function readPasswordFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/u, '');
}

/** Asks on the terminal, echoing nothing; undefined when stdin is no terminal. */
export function promptPassword(question: string, stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): Promise<string | undefined> {
  if (!stdin.isTTY) return Promise.resolve(undefined);
  stderr.write(question);
  return new Promise((resolve) => {
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (text: string) => {
      for (const character of text) {
        if (character === '\r' || character === '\n' || character === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          stderr.write('\n');
          resolve(typed);
          return;
        }
        if (character === '\u0003') process.exit(130); // Ctrl-C: nothing was installed
        typed = character === '\u007f' ? typed.slice(0, -1) : typed + character;
      }
    };
    stdin.on('data', onData);
  });
}
