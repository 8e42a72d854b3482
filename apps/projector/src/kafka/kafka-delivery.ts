import { Logger } from '@nestjs/common';
import { Admin, Kafka, logLevel, LogEntry, Partitioners, Producer } from 'kafkajs';
import { OutgoingMessage } from './integration-events/kafka-message';

export interface KafkaDeliverySettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level settings used when the topic is created (e.g. retention). */
  readonly topicConfig?: Readonly<Record<string, string>>;
}

/** How the producer talks to the broker; the benchmark's raw producer uses the very same settings. */
export const PRODUCER_SETTINGS = {
  // The broker de-duplicates a retried request by producer id and sequence number: a retry never writes twice
  // and never lets a later request overtake an earlier one within a partition.
  idempotent: true,
  // One request in flight per broker (kafkajs also serialises the idempotent producer's requests per broker):
  // the publisher awaits each send before the next anyway, so per-key order never depends on the broker.
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  // Java-compatible murmur2 hashing: consumers in other languages compute the same partition for a program.
  createPartitioner: Partitioners.DefaultPartitioner,
  // Few retries inside kafkajs, so an unreachable broker surfaces in health within seconds; the publisher
  // then retries the same batch itself, with a fresh producer, for as long as it takes.
  retry: { retries: 4, initialRetryTime: 250, maxRetryTime: 2000 },
} as const;

/** Every send waits for all in-sync replicas. */
export const ACKS_ALL = -1;

export function createKafkaClient(settings: Pick<KafkaDeliverySettings, 'brokers' | 'clientId'>): Kafka {
  const logger = new Logger('kafkajs');
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    retry: PRODUCER_SETTINGS.retry,
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const message = entry.log.message;
      // We cap kafkajs's retries on purpose (see PRODUCER_SETTINGS) and retry whole batches ourselves.
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      // Connection failures are reported once, by the publisher, with what it does about them.
      logger.verbose(`[${entry.namespace}] ${message}`);
    },
  });
}

/**
 * The publisher's way to the broker: creates the topic once, keeps one idempotent producer, and throws the
 * producer away after any failure, so the next attempt starts clean with a new producer id.
 */
export class KafkaDelivery {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private admin?: Admin;
  private topicReady = false;
  private warnedTooLarge = false;
  private readonly logger = new Logger(KafkaDelivery.name);

  constructor(private readonly settings: KafkaDeliverySettings) {
    this.kafka = createKafkaClient(settings);
  }

  /**
   * Resolves once the broker has acknowledged every message (acks = all). A broker (or topic) that takes smaller
   * record batches than this one gets the messages in halves, in order, until they fit.
   */
  async send(messages: readonly OutgoingMessage[]): Promise<void> {
    const producer = await this.connectedProducer();
    try {
      await producer.send({ topic: this.settings.topic, acks: ACKS_ALL, messages: [...messages] });
    } catch (error) {
      if (!isTooLarge(error) || messages.length < 2) throw error;
      if (!this.warnedTooLarge) {
        this.warnedTooLarge = true;
        this.logger.warn(
          `The broker refused ${messages.length} messages in one batch as too large (its message.max.bytes is below ` +
            `ours); sending in halves from now on when needed (not logged again). Lower KAFKA_PUBLISH_BATCH_SIZE to avoid it`,
        );
      }
      // Other partitions of the refused request may have been written: start over with a fresh producer id.
      await this.reset();
      const half = Math.ceil(messages.length / 2);
      await this.send(messages.slice(0, half));
      await this.send(messages.slice(half));
    }
  }

  /** Asks the broker for the topic's metadata: tells an idle publisher whether the broker is still there. */
  async probe(): Promise<void> {
    const admin = await this.connectedAdmin();
    await admin.fetchTopicMetadata({ topics: [this.settings.topic] });
  }

  /** Drops the connections after a failure; the next send reconnects (and checks the topic is still there). */
  async reset(): Promise<void> {
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    this.topicReady = false;
    await Promise.all([producer?.disconnect().catch(() => undefined), admin?.disconnect().catch(() => undefined)]);
  }

  close(): Promise<void> {
    return this.reset();
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.topicReady) await this.ensureTopic();
    if (this.producer) return this.producer;
    const producer = this.kafka.producer(PRODUCER_SETTINGS);
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    return producer;
  }

  private async connectedAdmin(): Promise<Admin> {
    if (this.admin) return this.admin;
    const admin = this.kafka.admin();
    try {
      await admin.connect();
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
    this.admin = admin;
    return admin;
  }

  /** Creates the topic when missing; an existing topic is left as it is (partitions are never changed here). */
  private async ensureTopic(): Promise<void> {
    const { topic, partitions, replicationFactor, topicConfig } = this.settings;
    const admin = await this.connectedAdmin();
    const configEntries = Object.entries(topicConfig ?? {}).map(([name, value]) => ({ name, value }));
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor, configEntries }],
      waitForLeaders: true,
    });
    if (created) {
      this.logger.log(`Created topic ${topic} (${partitions} partitions, replication factor ${replicationFactor})`);
    } else {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const existing = metadata.topics[0]?.partitions.length ?? 0;
      if (existing !== partitions) {
        this.logger.warn(
          `Topic ${topic} exists with ${existing} partitions, not the configured ${partitions}; it is used as it is`,
        );
      }
    }
    this.topicReady = true;
  }
}

const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

function isTooLarge(error: unknown): boolean {
  const { type, cause } = error as { type?: unknown; cause?: { type?: unknown } };
  return TOO_LARGE.has(String(type)) || TOO_LARGE.has(String(cause?.type));
}
