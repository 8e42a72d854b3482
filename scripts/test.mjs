// `npm test`: strict type check, every jest suite, then the API and projector suites again on the
// EventStoreDB test double (the same code above the port, the other adapter below it).
import { spawnSync } from 'node:child_process';
import { ensureDependencies, root } from './lib/dev-env.mjs';

ensureDependencies();
const run = (title, command, args, env = {}) => {
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`\n${title} failed`);
    process.exit(result.status ?? 1);
  }
};
const extra = process.argv.slice(2);
run('Type check (strict)', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
run('All suites (PostgreSQL event store)', 'npx', ['jest', ...extra]);
run('API and projector suites on the EventStoreDB double', 'npx', ['jest', 'apps/api', 'apps/projector', ...extra], {
  TEST_EVENT_STORE: 'eventstoredb',
});
