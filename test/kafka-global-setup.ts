import { execFileSync, spawnSync } from 'node:child_process';
import { Socket } from 'node:net';
import { join } from 'node:path';

/** Set when this jest run started the broker, so the global teardown stops it and nothing else. */
export const STARTED_BY_JEST = '__flipsideStartedKafka';

function onPath(command: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => done(true));
  });
}

/**
 * Kafka for the suites that need it (jest globalSetup). KAFKA_BROKERS set: used as it is. Unset: a broker
 * already running from `npm run kafka:start` is used and left running; otherwise infra/kafka/start.sh starts
 * one (java and mvn needed) and the global teardown stops it. Workers inherit KAFKA_BROKERS. In CI a missing
 * broker fails the run; elsewhere the Kafka suites skip loudly.
 */
export default async function kafkaGlobalSetup(): Promise<void> {
  if (process.env.KAFKA_BROKERS) return;
  const port = Number(process.env.KAFKA_PORT ?? 9092);
  const brokers = `127.0.0.1:${port}`;
  if (await listening(port)) {
    process.env.KAFKA_BROKERS = brokers;
    return;
  }
  if (!onPath('java') || !onPath('mvn')) {
    const reason = 'KAFKA_BROKERS is not set and java/mvn are missing, so no Kafka broker can be started';
    if (process.env.CI) throw new Error(`${reason}; CI needs a real broker`);
    console.warn(`\n*** ${reason}: the Kafka suites will be skipped ***\n`);
    return;
  }
  console.log(`\nStarting a Kafka broker for the tests (infra/kafka/start.sh, ${brokers})…`);
  execFileSync('bash', [join(__dirname, '../infra/kafka/start.sh')], { stdio: 'inherit' });
  process.env.KAFKA_BROKERS = brokers;
  (globalThis as Record<string, unknown>)[STARTED_BY_JEST] = true;
}
