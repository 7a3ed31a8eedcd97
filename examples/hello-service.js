// The smallest real service: it starts, writes a heartbeat to a log file every
// second, and on stop flushes and exits cleanly. The same file runs under the
// Windows SCM, systemd, launchd or a terminal (Ctrl-C).
//
//   npm run example:service     installs it, runs it, stops it and removes it
//                               (under Wine's SCM on Linux, for real on Windows)
//
// As a service image: node examples/hello-service.js <log file>
'use strict';
const fs = require('node:fs');
const { Service } = require('..');

const logFile = process.argv[2] ?? 'hello-service.log';
const log = (line) => fs.appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);

const service = new Service();
log(`starting (pid ${process.pid}, host ${service.host.kind})`);
let beats = 0;
const heartbeat = setInterval(() => log(`heartbeat ${++beats}`), 1000);
service.defer('heartbeat', () => clearInterval(heartbeat));
service.defer('flush', () => log('stopped cleanly'), { phase: 'flush' });
service.on('stop', ({ reason, detail }) => log(`stop requested (${detail ?? reason})`));

// Resolves once the host has the service running: under the SCM, after ServiceMain, so the name is the SCM's.
service.start().then(() => log(`running as service "${service.name}"`));
