// Names every test that failed and then passed on its retry, with what its
// first attempt said. The rings that drive real peers (processes, Wine's SCM,
// a live systemd) get one retry (vitest.config.mts): a machine starved for a
// moment must not refuse a whole run, but a test that needed its retry is
// never silent: this list closes every run (.ci/run names this reporter too).
import type { Reporter, TestModule } from 'vitest/node';

export default class RetriedReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const retried: string[] = [];
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) {
        const diagnostic = testCase.diagnostic();
        if (!diagnostic?.flaky) continue;
        const firstError = testCase.result().errors?.[0];
        // The first lines say what failed (an assertion's message often leads with the peer's own output).
        const lines = firstError ? (firstError.message ?? String(firstError)).split(/\r?\n/u).filter((line) => line.trim() !== '') : [];
        const said = lines.length === 0 ? 'no error recorded' : lines.slice(0, 4).map((line) => line.slice(0, 200)).join('\n      ');
        const where = firstError?.stack?.split('\n').find((line) => /\.test\.ts:\d+/u.test(line))?.trim();
        retried.push(`  ${testModule.project.name} ${testModule.moduleId.replace(`${process.cwd()}/`, '')} > ${testCase.fullName}\n    first attempt: ${said}${where ? `\n      ${where}` : ''}`);
      }
    }
    if (retried.length === 0) return;
    process.stdout.write(`\nPassed on retry (${retried.length}); each is a flake to mend:\n${retried.join('\n')}\n`);
  }
}
