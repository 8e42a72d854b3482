import { randomBytes } from 'node:crypto';
import { Consumer, IHeaders, Kafka, logLevel } from 'kafkajs';

/** A record as a consumer sees it, headers decoded as UTF-8. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
  readonly receivedAt: number;
}

/**
 * Kafka suites run against a real broker: KAFKA_BROKERS, which jest's global setup sets after starting
 * infra/kafka when it was unset. Without one, a developer gets a loud skip; CI fails.
 */
export function requireKafka(): string[] | undefined {
  const brokers = process.env.KAFKA_BROKERS?.split(',').map((broker) => broker.trim()).filter(Boolean);
  if (brokers && brokers.length > 0) return brokers;
  const reason = 'KAFKA_BROKERS is not set and no broker was started (java and mvn are needed for infra/kafka)';
  if (process.env.CI) throw new Error(`${reason}; CI needs a real Kafka broker`);
  console.warn(`\n*** SKIPPING Kafka suite: ${reason} ***\n`);
  return undefined;
}

/** A topic name no other suite or run uses. */
export function uniqueTopic(suite: string): string {
  return `flipside.test.${suite}.${Date.now().toString(36)}.${randomBytes(3).toString('hex')}`;
}

export function testKafka(brokers: readonly string[]): Kafka {
  return new Kafka({
    clientId: 'flipside-projector-tests',
    brokers: [...brokers],
    connectionTimeout: 3000,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2000 },
  });
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    decoded[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return decoded;
}

/** Reads a topic from the beginning for as long as the suite needs, with a group of its own. */
export class TopicReader {
  readonly records: ConsumedRecord[] = [];
  private consumer?: Consumer;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
  ) {}

  async start(options: { fromBeginning?: boolean } = {}): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `reader-${this.topic}-${randomBytes(3).toString('hex')}`,
      maxWaitTimeInMs: 100,
      retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        this.records.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers: decodeHeaders(message.headers),
          receivedAt: Date.now(),
        });
        for (const wake of this.waiters.splice(0)) wake();
      },
    });
    this.consumer = consumer;
    await joined;
  }

  /** Waits until `done` holds for the records read so far; fails with `describe()` after the timeout. */
  async waitFor(done: (records: readonly ConsumedRecord[]) => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.records)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out after ${timeoutMs} ms waiting for records on ${this.topic}: ${describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Distinct ce_id values read so far. */
  ids(): Set<string> {
    return new Set(this.records.map((record) => record.headers.ce_id));
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
