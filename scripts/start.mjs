// `npm start`: installs what is missing, builds, and runs the API and the projector until Ctrl-C.
import { execSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDependencies, localDir, localJwtSecret, localMasterKey, root } from './lib/dev-env.mjs';

ensureDependencies();
const { secret, generated } = localJwtSecret();
const { masterKey, generated: generatedMasterKey } = localMasterKey();
console.log('Building…');
execSync('npm run -s build', { cwd: root, stdio: 'inherit' });

const env = { ...process.env, JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey };
const apps = [
  ['api', 'dist/apps/api/src/main.js'],
  ['projector', 'dist/apps/projector/src/main.js'],
];
mkdirSync(localDir, { recursive: true });
const children = apps.map(([name, entry]) => {
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, entry)], { cwd: root, env, stdio: 'inherit' });
  writeFileSync(join(localDir, `${name}.pid`), String(child.pid));
  child.on('exit', (code, signal) => {
    rmSync(join(localDir, `${name}.pid`), { force: true });
    if (!stopping) {
      console.error(`${name} stopped (${signal ?? `exit ${code}`}); stopping the rest`);
      stop(code ?? 1);
    }
  });
  return child;
});

const port = process.env.PORT ?? '3000';
console.log(`
Flipside is starting: API on http://localhost:${port} (OpenAPI at /docs), projector health on http://localhost:${process.env.PROJECTOR_PORT ?? '3001'}/health
${generated ? `JWT_SECRET was not set: using a generated local secret (.flipside/jwt-secret).\n` : ''}${generatedMasterKey ? `FLIPSIDE_MASTER_KEY was not set: using a generated local master key (.flipside/master-key); keep it, or personal data stays unreadable.\n` : ''}Mint a token:   npm run token -- --role admin --org acme
Then:           curl -H "Authorization: Bearer $(npm run -s token -- --role admin --org acme)" …
`);

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  // Stop each child by the pid we started it with.
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 10_000).unref();
  Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode === null ? child.on('exit', resolve) : resolve())))).then(
    () => process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
