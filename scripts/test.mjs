// `npm test`: strict type check, every jest suite, then the API and projector suites again on the
// EventStoreDB test double (the same code above the port, the other adapter below it).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDependencies, localDir, root } from './lib/dev-env.mjs';

ensureDependencies();
mkdirSync(localDir, { recursive: true });
// Every API process of the run logs here, and the last step proves no personal data reached a log line.
const logDirectory = join(localDir, 'test-logs');
rmSync(logDirectory, { recursive: true, force: true });
process.env.FLIPSIDE_TEST_LOG_DIR = logDirectory;
const totals = { passed: 0, failed: 0, skipped: 0 };

const run = (title, command, args, env = {}, report) => {
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (report) {
    try {
      const summary = JSON.parse(readFileSync(report, 'utf8'));
      totals.passed += summary.numPassedTests;
      totals.failed += summary.numFailedTests;
      totals.skipped += summary.numPendingTests;
    } catch {
      totals.failed += 1; // no report: the run itself broke
    }
    rmSync(report, { force: true });
  }
  if (result.status !== 0) {
    console.error(`\n${title} failed`);
    console.log(`\ntests: ${totals.passed} passed, ${Math.max(totals.failed, 1)} failed`);
    process.exit(result.status ?? 1);
  }
};
const jest = (title, patterns, env = {}) => {
  const report = join(localDir, `jest-${Date.now()}.json`);
  run(title, 'npx', ['jest', ...patterns, ...process.argv.slice(2), '--json', `--outputFile=${report}`], env, report);
};

run('Type check (strict)', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
jest('All suites (PostgreSQL event store)', []);
jest('API and projector suites on the EventStoreDB double', ['apps/api', 'apps/projector'], { TEST_EVENT_STORE: 'eventstoredb' });
jest('API logs of both runs hold no personal data', ['--testMatch', '**/*.check.ts', 'apps/api/test/logs-hold-no-personal-data.check.ts']);
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
