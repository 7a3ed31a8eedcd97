// The API reference builds from the doc comments with no warning: every
// exported symbol (and every member of an exported type) is documented, every
// {@link} resolves, and nothing public refers to a type its entry does not
// export. TypeDoc runs here as `npm run docs:api` runs it (typedoc.json,
// treatWarningsAsErrors), writing to a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Application, Logger, LogLevel, TSConfigReader, TypeDocReader } from 'typedoc';
import { expect, test } from 'vitest';

const repoRoot = path.resolve(__dirname, '..', '..');

class CollectingLogger extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: Exclude<LogLevel, LogLevel.None>): void {
    super.log(message, level);
    if (level >= LogLevel.Warn) this.messages.push(`[${LogLevel[level]}] ${message}`);
  }
}

test('the API reference builds from lib/ with no warning (npm run docs:api)', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'servicehost-api-reference-'));
  try {
    const app = await Application.bootstrapWithPlugins({ options: path.join(repoRoot, 'typedoc.json'), out }, [new TypeDocReader(), new TSConfigReader()]);
    const logger = new CollectingLogger();
    app.logger = logger;
    const project = await app.convert();
    expect(project, logger.messages.join('\n')).toBeDefined();
    app.validate(project!);
    await app.generateDocs(project!, out);
    expect(logger.messages, `TypeDoc warned (add the doc comment, or fix the link):\n${logger.messages.join('\n')}`).toEqual([]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 180_000);
