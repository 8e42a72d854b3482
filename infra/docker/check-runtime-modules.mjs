// Used by the Dockerfile after `npm prune --omit=dev`:
//   node infra/docker/check-runtime-modules.mjs <entry.js>...
// Follows the compiled code's require() calls from each entry point through dist, and checks that every
// package they load resolves from the pruned node_modules. Exits 1 naming each missing package and a file
// that needs it (typically a run-time import of something listed under devDependencies), or a missing entry.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { extname, relative, resolve } from 'node:path';

const entries = process.argv.slice(2);
if (entries.length === 0) {
  console.error('usage: node infra/docker/check-runtime-modules.mjs <entry.js>...');
  process.exit(2);
}

const builtins = new Set(builtinModules);
const isBuiltin = (specifier) => specifier.startsWith('node:') || builtins.has(specifier.split('/')[0]);
const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
// tsc's CommonJS output: require("x"), also inside the helpers it emits for import(); plus require.resolve("x").
const REQUIRE = /\brequire(?:\.resolve)?\(\s*(["'])([^"'\n]+)\1\s*\)/g;

const problems = [];
const missing = new Map(); // package -> first file that needs it
const visited = new Set();
const queue = [];

for (const entry of entries) {
  const file = resolve(entry);
  if (existsSync(file)) queue.push(file);
  else problems.push(`entry point ${entry} does not exist (did the build produce it?)`);
}

while (queue.length > 0) {
  const file = queue.pop();
  if (visited.has(file)) continue;
  visited.add(file);
  const requireFrom = createRequire(file);
  for (const [, , specifier] of readFileSync(file, 'utf8').matchAll(REQUIRE)) {
    if (isBuiltin(specifier)) continue;
    let resolved;
    try {
      resolved = requireFrom.resolve(specifier);
    } catch {
      const name = specifier.startsWith('.') ? specifier : packageOf(specifier);
      if (!missing.has(name)) missing.set(name, relative(process.cwd(), file));
      continue;
    }
    // Our own compiled files are followed; a package's internals are npm's business.
    if (specifier.startsWith('.') && extname(resolved) === '.js' && !resolved.includes('/node_modules/')) {
      queue.push(resolved);
    }
  }
}

for (const [name, file] of missing) {
  problems.push(
    name.startsWith('.')
      ? `${file} requires ${name}, which is not in the build output`
      : `${file} requires "${name}", which is not installed with production dependencies (is it a devDependency?)`,
  );
}
if (problems.length > 0) {
  console.error(`Run-time modules check failed:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}
console.log(`Run-time modules check: ${visited.size} files from ${entries.length} entry point(s), every require resolves.`);
