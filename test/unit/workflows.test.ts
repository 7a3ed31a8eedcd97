// .github/workflows/*.yml against GitHub's own workflow schema, read by the
// parser GitHub's editor tooling uses (@actions/workflow-parser): an unknown
// key, a missing runs-on, a bad expression, context or cron fails here rather
// than on the first push. Also: what a workflow runs (npm scripts, vitest
// projects, node scripts) exists in this checkout.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { describe, expect, test } from 'vitest';

const repoRoot = path.resolve(__dirname, '..', '..');
const workflowsDir = path.join(repoRoot, '.github', 'workflows');
const workflows = readdirSync(workflowsDir).filter((file) => /\.ya?ml$/u.test(file)).sort();

/** Every error GitHub's parser finds: the schema's, then the conversion's (needs, cron, expressions). */
async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  // Conversion adds its findings to the same context; it is skipped when parsing failed.
  if (parsed.value !== undefined) await convertWorkflowTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((error) => error.message);
}

const read = (file: string): string => readFileSync(path.join(workflowsDir, file), 'utf8');

describe('GitHub workflows', () => {
  test('the release and CI workflows are there', () => {
    expect(workflows).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']));
  });

  for (const file of workflows) {
    test(`${file} is valid against GitHub's workflow schema`, async () => {
      expect(await workflowErrors(file, read(file))).toEqual([]);
    });
  }

  // The check itself can fail: the same file with one mistake each is refused.
  test.each([
    ['a misspelt key', (text: string) => text.replace('runs-on:', 'run-on:'), /Unexpected value 'run-on'|Required property is missing: runs-on/u],
    ['an unknown context', (text: string) => text.replace('runs-on: ubuntu-latest', 'runs-on: ${{ steps.x.outputs.os }}'), /Unrecognized named-value: 'steps'/u],
    ['a broken expression', (text: string) => text.replace('${{', '${{ =='), /Unexpected symbol: '=='/u],
    ['a step with both run and uses', (text: string) => text.replace(/- uses: actions\/checkout@v4/u, '- uses: actions/checkout@v4\n        run: echo'), /Unexpected value/u],
  ])('ci.yml with %s is refused', async (_what, mistake, expected) => {
    const broken = mistake(read('ci.yml'));
    expect(broken).not.toBe(read('ci.yml'));
    const errors = await workflowErrors('ci.yml', broken);
    expect(errors.join('\n')).toMatch(expected);
  });

  test('what the workflows run exists: npm scripts, vitest projects, node scripts', async () => {
    const scripts = Object.keys((JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const config = readFileSync(path.join(repoRoot, 'vitest.config.mts'), 'utf8');
    const projects = [...config.matchAll(/name: '([a-z-]+)'/gu)].map((match) => match[1]);
    const missing: string[] = [];
    for (const file of workflows) {
      const text = read(file);
      for (const [, script] of text.matchAll(/npm run ([\w:-]+)/gu)) if (!scripts.includes(script!)) missing.push(`${file}: npm run ${script}`);
      for (const [, project] of text.matchAll(/--project ([\w-]+)/gu)) if (!projects.includes(project)) missing.push(`${file}: --project ${project}`);
      for (const [, script] of text.matchAll(/\bnode ((?:scripts|bench)\/[\w./-]+)/gu)) if (!existsSync(path.join(repoRoot, script!))) missing.push(`${file}: node ${script}`);
    }
    expect(projects.length).toBeGreaterThanOrEqual(5);
    expect(missing).toEqual([]);
  });
});
