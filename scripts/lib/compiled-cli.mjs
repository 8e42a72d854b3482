// Runs a compiled command-line entry of the apps (its `main(args)` returns the exit code), building first when a
// source file is newer than the build; build output goes to stderr, so what the command prints on stdout stays clean.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureDependencies, root } from './dev-env.mjs';

/** The newest modification time of the TypeScript sources the build compiles. */
function newestSource(directory) {
  let newest = 0;
  for (const item of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, item.name);
    if (item.isDirectory()) {
      if (item.name !== 'node_modules' && item.name !== 'test') newest = Math.max(newest, newestSource(path));
    } else if (item.name.endsWith('.ts') && !item.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export async function runCompiledCli(relativeEntry) {
  const entry = join(root, relativeEntry);
  ensureDependencies();
  const stale = !existsSync(entry) || ['apps', 'libs'].some((folder) => newestSource(join(root, folder)) > statSync(entry).mtimeMs);
  if (stale) execSync('npm run -s build', { cwd: root, stdio: ['ignore', 2, 2] });
  const { main } = createRequire(import.meta.url)(entry);
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
