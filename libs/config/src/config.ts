/** Every setting the apps read, checked once at start; a wrong value stops the process naming the variable. */
export interface FlipsideConfig {
  readonly port: number;
  readonly databaseUrl: string;
  readonly eventStore: 'postgres' | 'eventstoredb';
  readonly eventStoreUrl?: string;
  readonly kafkaBrokers?: readonly string[];
  readonly jwtSecret: string;
  readonly projectorPort: number;
  /** The projector is unready while a projection's oldest unapplied event is older than this. */
  readonly projectorReadyMaxLagSeconds: number;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigurationError';
  }
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/flipside';
const MIN_SECRET_LENGTH = 32;

function port(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    problems.push(`${name} must be a port number (0-65535), got "${raw}"`);
  }
  return value;
}

function positiveSeconds(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) problems.push(`${name} must be a number of seconds above 0, got "${raw}"`);
  return value;
}

function url(name: string, raw: string, protocols: readonly string[], problems: string[]): void {
  try {
    const parsed = new URL(raw);
    if (!protocols.includes(parsed.protocol)) {
      problems.push(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${raw}"`);
    }
  } catch {
    problems.push(`${name} is not a URL: "${raw}"`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, needs: { jwt: boolean } = { jwt: true }): FlipsideConfig {
  const problems: string[] = [];
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  url('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:'], problems);

  const eventStore = env.EVENT_STORE || 'postgres';
  if (eventStore !== 'postgres' && eventStore !== 'eventstoredb') {
    problems.push(`EVENT_STORE must be "postgres" or "eventstoredb", got "${eventStore}"`);
  }
  const eventStoreUrl = env.EVENTSTORE_URL || undefined;
  if (eventStore === 'eventstoredb') {
    if (!eventStoreUrl) problems.push('EVENTSTORE_URL is required when EVENT_STORE=eventstoredb (e.g. esdb://localhost:2113?tls=false)');
    else url('EVENTSTORE_URL', eventStoreUrl, ['esdb:', 'esdb+discover:', 'kurrentdb:', 'kdb:'], problems);
  }

  const kafkaBrokers = env.KAFKA_BROKERS
    ? env.KAFKA_BROKERS.split(',').map((broker) => broker.trim()).filter(Boolean)
    : undefined;
  for (const broker of kafkaBrokers ?? []) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) problems.push(`KAFKA_BROKERS entries must be host:port, got "${broker}"`);
  }

  const jwtSecret = env.JWT_SECRET ?? '';
  if (needs.jwt && jwtSecret.length < MIN_SECRET_LENGTH) {
    problems.push(
      jwtSecret
        ? `JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`
        : 'JWT_SECRET is required (npm start generates one for local use; see README)',
    );
  }

  const config: FlipsideConfig = {
    port: port('PORT', env.PORT, 3000, problems),
    projectorPort: port('PROJECTOR_PORT', env.PROJECTOR_PORT, 3001, problems),
    projectorReadyMaxLagSeconds: positiveSeconds('PROJECTOR_READY_MAX_LAG_SECONDS', env.PROJECTOR_READY_MAX_LAG_SECONDS, 30, problems),
    databaseUrl,
    eventStore: eventStore as FlipsideConfig['eventStore'],
    eventStoreUrl,
    kafkaBrokers,
    jwtSecret,
  };
  if (problems.length > 0) throw new ConfigurationError(problems);
  return config;
}
