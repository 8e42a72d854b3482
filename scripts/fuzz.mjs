// `npm run fuzz -- --runs N --seed S`: the contract fuzz (apps/api/test/fuzz) for longer than `npm test` runs it.
// Options: --runs (requests per class), --seed, --class <part of a class name>, --time-limit <ms per class, 0 = none>,
// --eventstoredb (on the EventStoreDB double instead of PostgreSQL), --verbose (statuses answered, per class).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ensureDependencies, root } from './lib/dev-env.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    class: { type: 'string' },
    'time-limit': { type: 'string', default: '0' },
    eventstoredb: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
for (const name of ['runs', 'seed', 'time-limit']) {
  if (!/^\d+$/.test(values[name])) {
    console.error(`--${name} must be a whole number, got "${values[name]}"`);
    process.exit(2);
  }
}

ensureDependencies();
// No time limit by default: a long run is meant to finish every case and shrink a failure all the way.
const timeLimit = values['time-limit'] === '0' ? String(24 * 3600 * 1000) : values['time-limit'];
console.log(`Contract fuzz: ${values.runs} requests per class, seed ${values.seed}${values.class ? `, classes matching "${values.class}"` : ''}`);
const result = spawnSync(
  'npx',
  ['jest', 'apps/api/test/fuzz', '--testTimeout', String(Number(timeLimit) + 120_000), ...(values.class ? ['-t', values.class.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')] : [])],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      FUZZ_RUNS: values.runs,
      FUZZ_SEED: values.seed,
      FUZZ_TIME_LIMIT_MS: timeLimit,
      ...(values.verbose ? { FUZZ_VERBOSE: '1' } : {}),
      ...(values.eventstoredb ? { TEST_EVENT_STORE: 'eventstoredb' } : {}),
    },
  },
);
process.exit(result.status ?? 1);
