import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { STARTED_BY_JEST } from './kafka-global-setup';

/** Stops the broker only if this jest run's global setup started it (by its pid file, via infra/kafka/stop.sh). */
export default async function kafkaGlobalTeardown(): Promise<void> {
  if (!(globalThis as Record<string, unknown>)[STARTED_BY_JEST]) return;
  execFileSync('bash', [join(__dirname, '../infra/kafka/stop.sh')], { stdio: 'inherit' });
}
