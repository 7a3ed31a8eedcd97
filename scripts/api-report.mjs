#!/usr/bin/env node
// The public surface of each entry point (servicehost, servicehost/windows,
// servicehost/manage, servicehost/register), as API Extractor reads it from
// the compiled declarations, against the reports committed in etc/. A change
// to the surface then shows in review as a change to etc/*.api.md.
//
//   node scripts/api-report.mjs            check (npm run api:check); exit 1 on any difference or finding
//   node scripts/api-report.mjs --update   rewrite etc/*.api.md from dist/*.d.ts (npm run api:update)
//
// Both read dist/: compile first. The ES-module declarations (dist/*.d.mts)
// are checked against the same report, so `import` and `require` see one surface.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The entry points, by the name of their dist file and config/api-extractor.<entry>.json. */
export const API_ENTRIES = ['index', 'windows', 'manage', 'register'];

export const UPDATE_HINT = 'If the change is meant, run `npm run api:update` and commit etc/*.api.md with it.';

function lineDifference(committed, current) {
  const before = new Set(committed.split('\n'));
  const after = new Set(current.split('\n'));
  return [
    ...[...before].filter((line) => !after.has(line)).map((line) => `  - ${line}`),
    ...[...after].filter((line) => !before.has(line)).map((line) => `  + ${line}`),
  ];
}

// What API Extractor says about the report file itself: written on --update, or differing (said below, with its lines).
const REPORT_MESSAGES = new Set(['console-api-report-created', 'console-api-report-copied', 'console-api-report-not-copied', 'console-api-report-diff']);

function runOne(entry, declarations, update) {
  const configPath = path.join(root, 'config', `api-extractor.${entry}.json`);
  const configObject = ExtractorConfig.loadFile(configPath);
  configObject.mainEntryPointFilePath = path.join(root, 'dist', `${entry}.${declarations}`);
  const config = ExtractorConfig.prepare({ configObject, configObjectFullPath: configPath, packageJsonFullPath: path.join(root, 'package.json') });
  const problems = [];
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback(message) {
      message.handled = true;
      if (message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning) {
        if (REPORT_MESSAGES.has(message.messageId)) return;
        problems.push(`${path.relative(root, message.sourceFilePath ?? configPath)}${message.sourceFileLine ? `:${message.sourceFileLine}` : ''}: ${message.text} (${message.messageId})`);
      }
    },
  });
  if (result.apiReportChanged && !update) {
    const committed = existsSync(config.reportFilePath) ? readFileSync(config.reportFilePath, 'utf8').replace(/\r\n/g, '\n') : '';
    const current = readFileSync(config.reportTempFilePath, 'utf8');
    problems.push(
      `the public surface of dist/${entry}.${declarations} differs from ${path.relative(root, config.reportFilePath)}:\n${lineDifference(committed, current).join('\n')}\n${UPDATE_HINT}`,
    );
  } else if (!result.succeeded && problems.length === 0) {
    problems.push(`API Extractor failed on dist/${entry}.${declarations} (${result.errorCount} errors, ${result.warningCount} warnings)`);
  }
  return problems;
}

/**
 * Runs API Extractor on every entry's .d.ts and .d.mts; returns what is wrong
 * (nothing: the surface is the committed one). With `update`, the .d.ts
 * writes the report first and the .d.mts is then checked against it.
 */
export function runApiReports({ update = false } = {}) {
  const problems = [];
  for (const entry of API_ENTRIES) {
    for (const declarations of ['d.ts', 'd.mts']) {
      const file = path.join(root, 'dist', `${entry}.${declarations}`);
      if (!existsSync(file)) {
        problems.push(`${path.relative(root, file)} is missing: run \`npm run compile\` first`);
        continue;
      }
      problems.push(...runOne(entry, declarations, update && declarations === 'd.ts'));
    }
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const update = process.argv.includes('--update');
  const problems = runApiReports({ update });
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exit(1);
  console.log(update ? `etc/: the API reports of ${API_ENTRIES.join(', ')} are up to date` : 'the public surface matches etc/*.api.md');
}
