// The manager opens the SCM, services and registry keys with only the rights
// each call needs. No test machine can show an access right that was asked
// for but not needed (runners are administrators, Wine grants everything), so
// this reads the native sources: no call may ask for "all access".
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';

const winDir = path.resolve(__dirname, '..', '..', 'cpp', 'win');

test('no native call asks for SC_MANAGER_ALL_ACCESS, SERVICE_ALL_ACCESS, KEY_ALL_ACCESS or GENERIC_ALL', () => {
  const sources = readdirSync(winDir).filter((file) => /\.(cc|h)$/u.test(file));
  expect(sources).toEqual(expect.arrayContaining(['manager_config.cc', 'manager_config2.cc', 'manager_control.cc', 'service_registry.cc']));
  const offenders = sources.filter((file) => /\b(SC_MANAGER_ALL_ACCESS|SERVICE_ALL_ACCESS|KEY_ALL_ACCESS|GENERIC_ALL)\b/u.test(readFileSync(path.join(winDir, file), 'utf8')));
  expect(offenders).toEqual([]);
});

test('queries open with query rights only', () => {
  const control = readFileSync(path.join(winDir, 'manager_control.cc'), 'utf8');
  expect(control).toMatch(/ScmQueryStatus[\s\S]*?OpenServiceOrThrow\(env, MachineArgument\(info, 1, "scmQueryStatus\(name, machine\)"\), name, SERVICE_QUERY_STATUS\)/u);
  const config = readFileSync(path.join(winDir, 'manager_config.cc'), 'utf8');
  expect(config).toMatch(/ScmQueryConfig[\s\S]*?OpenServiceOrThrow\(env, machine, name, SERVICE_QUERY_CONFIG \| SERVICE_QUERY_STATUS\)/u);
  // This machine's SCM, or another's (--host): with the rights the caller names either way.
  expect(readFileSync(path.join(winDir, 'sc_handle.h'), 'utf8')).toMatch(/OpenSCManagerW\(machine\.empty\(\) \? nullptr : machine\.c_str\(\), nullptr, access\)/u);
});
