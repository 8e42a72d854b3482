import { Client } from 'pg';

const CHANNEL = 'event_store_appended';

/**
 * Wakes waiting subscribers when any process appends (LISTEN/NOTIFY on one shared connection).
 * Appenders announce after their commit rather than NOTIFY inside it: a NOTIFY in the append transaction
 * serialises every commit on PostgreSQL's notification queue lock (measured: 3× fewer appends per second).
 * Notifications are a latency optimisation only: subscribers also poll, so a lost one loses nothing.
 */
export class AppendSignal {
  private client?: Client;
  private waiters = new Set<(notified: boolean) => void>();
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectDelayMs = 100;
  /** Counts notifications, so a subscriber that was busy when one arrived still sees that it came. */
  private notifications = 0;
  private announcing = false;
  private announceAgain = false;

  get generation(): number {
    return this.notifications;
  }

  constructor(private readonly connectionString: string) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect().catch(() => this.scheduleReconnect());
  }

  /**
   * Resolves true on the next append anywhere (at once if one came since `seenGeneration`), false after
   * `timeoutMs` or on cancel.
   */
  wait(timeoutMs: number, seenGeneration = this.notifications): { promise: Promise<boolean>; cancel: () => void } {
    if (seenGeneration !== this.notifications) return { promise: Promise.resolve(true), cancel: () => undefined };
    let wake!: (notified: boolean) => void;
    const promise = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => wake(false), timeoutMs);
      wake = (notified) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(notified);
      };
      this.waiters.add(wake);
    });
    return { promise, cancel: () => wake(false) };
  }

  /**
   * Tells every listening process that events were appended: local waiters at once, others through one
   * NOTIFY at a time (appends made while one is in flight share the next).
   */
  announce(): void {
    this.notifications++;
    for (const wake of [...this.waiters]) wake(true);
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    const client = this.client;
    if (!client) return;
    this.announcing = true;
    client
      .query(`NOTIFY ${CHANNEL}`)
      .catch(() => undefined)
      .finally(() => {
        this.announcing = false;
        if (this.announceAgain) {
          this.announceAgain = false;
          this.announce();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    for (const wake of [...this.waiters]) wake(false);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.connectionString });
    client.on('notification', () => {
      this.notifications++;
      for (const wake of [...this.waiters]) wake(true);
    });
    client.on('error', () => this.scheduleReconnect());
    client.on('end', () => this.scheduleReconnect());
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
    this.reconnectDelayMs = 100;
    // Anything appended while we were not listening is found by the waiters' next read.
    this.notifications++;
    for (const wake of [...this.waiters]) wake(true);
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const lost = this.client;
    this.client = undefined;
    lost?.end().catch(() => undefined);
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delay * 2, 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopped) this.connect().catch(() => this.scheduleReconnect());
    }, delay);
  }
}
