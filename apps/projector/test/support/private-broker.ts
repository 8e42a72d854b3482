import { execFile, spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = join(__dirname, '../../../..');
const INFRA = join(REPO, 'infra/kafka');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function onPath(command: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * A broker of the suite's own, from infra/kafka on free ports and a throw-away data directory: a suite that
 * stops and starts its broker never disturbs the suites sharing the main one. Scripts run asynchronously, so
 * the publisher under test keeps running in this process while the broker goes away and comes back.
 */
export class PrivateBroker {
  private started = false;

  private constructor(
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly dataDir: string,
  ) {}

  /** Undefined (after a loud skip) where java or mvn is missing; in CI that is a failure. */
  static async create(name: string): Promise<PrivateBroker | undefined> {
    if (!onPath('java') || !onPath('mvn')) {
      const reason = 'java and mvn are needed to run a broker of its own (infra/kafka)';
      if (process.env.CI) throw new Error(`${reason}; CI needs them`);
      console.warn(`\n*** SKIPPING: ${reason} ***\n`);
      return undefined;
    }
    const port = await freePort();
    const controllerPort = await freePort();
    const dataDir = join(REPO, '.data', `kafka-${name}-${port}`);
    return new PrivateBroker(
      port,
      { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort), KAFKA_DATA_DIR: dataDir },
      dataDir,
    );
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  async start(): Promise<void> {
    this.started = true;
    await run('bash', [join(INFRA, 'start.sh')], { env: this.env, timeout: 240_000 });
  }

  async stop(): Promise<void> {
    await run('bash', [join(INFRA, 'stop.sh')], { env: this.env, timeout: 60_000 });
  }

  /** Stops the broker (by its pid file) and deletes its data. */
  async remove(): Promise<void> {
    if (this.started) await this.stop().catch((error: Error) => console.error(`stopping the private broker: ${error.message}`));
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
