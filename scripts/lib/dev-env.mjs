// Shared by the start, token and test scripts: dependencies present, and a local JWT secret and master key when none is set.
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const localDir = join(root, '.flipside');

/** Installs dependencies on a fresh clone (or after package-lock.json changed). */
export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('Installing dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}

/** JWT_SECRET from the environment, else a generated one kept in .flipside/ (git-ignored) for local use. */
export function localJwtSecret() {
  if (process.env.JWT_SECRET) return { secret: process.env.JWT_SECRET, generated: false };
  const file = join(localDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(localDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return { secret: readFileSync(file, 'utf8').trim(), generated: true };
}

/** FLIPSIDE_MASTER_KEY from the environment, else a generated one kept in .flipside/ (git-ignored) for local use. */
export function localMasterKey() {
  if (process.env.FLIPSIDE_MASTER_KEY) return { masterKey: process.env.FLIPSIDE_MASTER_KEY, generated: false };
  const file = join(localDir, 'master-key');
  if (!existsSync(file)) {
    mkdirSync(localDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return { masterKey: readFileSync(file, 'utf8').trim(), generated: true };
}
