// A local user account for tests that run a service as a user: on Windows a
// fresh one (net user /add, deleted after); under Wine, which has no user
// database to add to and runs every service as itself, the prefix's own user.
import { randomBytes } from 'node:crypto';
import { isNativeWindows, runWindows, windowsNodeExe } from '../../../scripts/windows-env.mjs';

export interface TestUser {
  /** `.\name`, as --account takes it. */
  account: string;
  name: string;
  password: string;
  /** Made by the test, so deleted after it. */
  created: boolean;
}

export async function createTestUser(): Promise<TestUser> {
  if (!isNativeWindows) {
    const run = await runWindows(windowsNodeExe(), ['-e', 'console.log(require("node:os").userInfo().username)']);
    const name = run.stdout.trim();
    return { account: `.\\${name}`, name, password: 'unused-under-wine', created: false };
  }
  // At most 20 characters; a password that meets the default complexity rules.
  const name = `shtest${process.pid % 100_000}`;
  const password = `Sh-${randomBytes(12).toString('hex')}-aZ9`;
  const added = await runWindows('net', ['user', name, password, '/add']);
  if (added.code !== 0) throw new Error(`net user ${name} /add failed (${added.code}): ${added.stdout}${added.stderr}`);
  return { account: `.\\${name}`, name, password, created: true };
}

export async function deleteTestUser(user: TestUser): Promise<void> {
  if (user.created) await runWindows('net', ['user', user.name, '/delete']);
}
