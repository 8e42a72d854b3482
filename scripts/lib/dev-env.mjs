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

/** A secret from the environment, else a generated one kept in .flipside/FILE (git-ignored) for local use. */
function localSecret(variable, file, generate) {
  if (process.env[variable]) return { value: process.env[variable], generated: false };
  const path = join(localDir, file);
  if (!existsSync(path)) {
    mkdirSync(localDir, { recursive: true });
    writeFileSync(path, generate(), { mode: 0o600 });
  }
  return { value: readFileSync(path, 'utf8').trim(), generated: true };
}

/** JWT_SECRET, or .flipside/jwt-secret. */
export function localJwtSecret() {
  const { value, generated } = localSecret('JWT_SECRET', 'jwt-secret', () => randomBytes(32).toString('hex'));
  return { secret: value, generated };
}

/** FLIPSIDE_MASTER_KEY, or .flipside/master-key: lose it and the personal data stays unreadable. */
export function localMasterKey() {
  const { value, generated } = localSecret('FLIPSIDE_MASTER_KEY', 'master-key', () => randomBytes(32).toString('base64'));
  return { masterKey: value, generated };
}
