// Type-checks many consumer projects with one TypeScript (5.x or 6, which have
// a JS API) in one process:  node ts-check.cjs <typescript folder> <jobs.json>
// jobs.json: [{ id, tsconfig }]. Prints [{ id, diagnostics: [{ file, line, code, message }] }].
// Only the consumer's files and servicehost's own .d.ts are checked: the
// errors @types/node might have with this TypeScript are not servicehost's.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ts = require(process.argv[2]);
const jobs = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));

function checked(fileName) {
  return !fileName.includes('/node_modules/') || fileName.includes('/node_modules/servicehost/');
}

// Declaration files parsed once and shared by every program, as the language
// service's DocumentRegistry shares them: keyed by what shapes a parsed file
// (its language version and its implied module format). Jobs of one consumer
// folder (one @types/node) share its @types/node; all share the lib files.
const parsed = new Map();
function cachingHost(options) {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    if (!/\.d\.[cm]?ts$/.test(fileName)) return getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
    const settings = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
    const key = `${fileName}|${settings.languageVersion}|${settings.impliedNodeFormat}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate));
    return parsed.get(key);
  };
  return host;
}

const results = [];
for (const job of jobs) {
  const cwd = path.dirname(job.tsconfig);
  const diagnostics = [];
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => diagnostics.push(diagnostic) };
  const config = ts.getParsedCommandLineOfConfigFile(job.tsconfig, {}, host);
  if (config) {
    diagnostics.push(...config.errors);
    const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences, host: cachingHost(config.options) });
    diagnostics.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
    for (const file of program.getSourceFiles()) {
      if (!checked(file.fileName)) continue;
      diagnostics.push(...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file));
    }
  }
  results.push({
    id: job.id,
    diagnostics: diagnostics
      .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
      .map((diagnostic) => ({
        file: diagnostic.file ? path.relative(cwd, diagnostic.file.fileName) : '',
        line: diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0,
        code: diagnostic.code,
        message: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
      })),
  });
}
process.stdout.write(JSON.stringify(results));
