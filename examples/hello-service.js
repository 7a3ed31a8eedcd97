// The smallest real Windows service: it starts, writes a heartbeat to a log
// file every second, and on stop flushes and reports a clean exit.
//
//   npm run example:service     installs it, runs it, stops it and removes it
//                               (under Wine's SCM on Linux, for real on Windows)
//
// As a service image: node.exe examples\hello-service.js <log file>
'use strict';
const fs = require('node:fs');
const { WindowsServiceHost } = require('..');

const logFile = process.argv[2];
const log = (line) => fs.appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);

const host = new WindowsServiceHost();
let heartbeat;

host.open(async (event) => {
  if (event.type === 'error') {
    log(`cannot run as a service: ${event.error.message}`);
    await host.close({ exitCode: 1 });
    return;
  }
  if (event.type !== 'stop') return;
  log(`stop requested (${event.reason})`);
  host.report({ state: 'stopping', waitHintMs: 5000 });
  clearInterval(heartbeat);
  await new Promise((resolve) => setTimeout(resolve, 200)); // flush whatever is in flight
  log('stopped cleanly');
  await host.close({ exitCode: 0 });
});

host.report({ state: 'starting' });
log(`starting (pid ${process.pid})`);
let beats = 0;
heartbeat = setInterval(() => log(`heartbeat ${++beats}`), 1000);
host.report({ state: 'running' });
log(`running as service "${host.serviceName || '(connecting)'}"`);
