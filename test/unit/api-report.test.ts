// The public surface is fixed by the API reports committed in etc/: API
// Extractor reads each entry's compiled declarations (dist/*.d.ts and
// dist/*.d.mts; `npm test` compiles first) and any difference, or any finding
// (a type in a public signature that its entry does not export), fails here
// with the lines that changed and how to accept them (`npm run api:update`).
import { expect, test } from 'vitest';
import { runApiReports } from '../../scripts/api-report.mjs';

test('every entry point exports what etc/*.api.md says, and every type its signatures use', () => {
  const problems = runApiReports();
  expect(problems, problems.join('\n\n')).toEqual([]);
}, 180_000);
