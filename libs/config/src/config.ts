import { createPublicKey } from 'node:crypto';
import { MasterKeyError, MasterKeys } from '@flipside/personal-data/master-keys';

/** Every setting the apps read, checked once at start; a wrong value stops the process naming the variable. */
export interface FlipsideConfig {
  readonly port: number;
  readonly databaseUrl: string;
  readonly eventStore: 'postgres' | 'eventstoredb';
  readonly eventStoreUrl?: string;
  readonly kafkaBrokers?: readonly string[];
  /** HS256 shared secret (development); '' when tokens are verified only by public key. */
  readonly jwtSecret: string;
  /** RS256/ES256 verification keys of the identity provider, fetched and cached by `kid`. */
  readonly jwtJwksUrl?: string;
  /** RS256/ES256 verification key as PEM text (JWT_PUBLIC_KEY). */
  readonly jwtPublicKey?: string;
  /** Required `iss` claim, when set. */
  readonly jwtIssuer?: string;
  /** Required `aud` claim, when set. */
  readonly jwtAudience?: string;
  /** Requests a minute per token subject; 0 = no limit. */
  readonly rateLimitPerMinute: number;
  /** Requests a minute per client address; 0 = no limit. */
  readonly rateLimitPerAddressPerMinute: number;
  /** Express `trust proxy`: whether (and which) X-Forwarded-For hops name the client address. */
  readonly trustProxy: boolean | number | string;
  /** Bearer token that opens /metrics and detailed health to other hosts; unset = loopback only. */
  readonly metricsToken?: string;
  /** Requests the API works on at once; more are refused at once with 503 + Retry-After. 0 = no bound. */
  readonly maxConcurrentRequests: number;
  /** Requests that may wait, in arrival order, for one of those places; more are refused at once. */
  readonly maxQueuedRequests: number;
  readonly projectorPort: number;
  /** The projector is unready while a projection's oldest unapplied event is older than this. */
  readonly projectorReadyMaxLagSeconds: number;
  /** The projector anchors the stream heads at most this often, and only when a head changed. */
  readonly auditAnchorEverySeconds: number;
  /** FLIPSIDE_MASTER_KEY (and FLIPSIDE_RETIRED_MASTER_KEYS during a rotation): wraps the personal-data keys. API only. */
  readonly masterKeys?: MasterKeys;
  /** Benchmarks only (FLIPSIDE_UNSAFE_PLAINTEXT_FOR_BENCHMARKS=1): personal data stored unencrypted, to measure what encryption costs. */
  readonly plaintextForBenchmarks: boolean;
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

function nonNegativeInteger(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) problems.push(`${name} must be a whole number, 0 or more, got "${raw}"`);
  return value;
}

function trustProxyOf(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw; // addresses or subnets, comma-separated, as Express takes them
}

/** The algorithm a PEM public key verifies: RS256 for RSA, ES256 for EC P-256; anything else is refused at start. */
export function publicKeyAlgorithm(pem: string): 'RS256' | 'ES256' | undefined {
  if (!/-----BEGIN PUBLIC KEY-----/.test(pem)) return undefined;
  let key;
  try {
    key = createPublicKey(pem);
  } catch {
    return undefined;
  }
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return undefined;
}

function publicKeyProblem(pem: string, problems: string[]): void {
  if (!publicKeyAlgorithm(pem)) {
    problems.push('JWT_PUBLIC_KEY must be a PEM public key (-----BEGIN PUBLIC KEY-----), RSA (RS256) or EC P-256 (ES256)');
  }
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

/** What a process needs beyond the database: the API verifies tokens and encrypts personal data; the projector does neither. */
export interface ConfigNeeds {
  readonly jwt: boolean;
  /** Defaults to `jwt`: whoever serves users also reads and writes their personal data. */
  readonly masterKey?: boolean;
}

function masterKeysOf(env: NodeJS.ProcessEnv, problems: string[]): MasterKeys | undefined {
  try {
    return MasterKeys.fromEnvironment(env);
  } catch (error) {
    if (!(error instanceof MasterKeyError)) throw error;
    problems.push(env.FLIPSIDE_MASTER_KEY ? error.message : `${error.message} (npm start generates one for local use; see README "Personal data")`);
    return undefined;
  }
}

function plaintextForBenchmarks(env: NodeJS.ProcessEnv, problems: string[]): boolean {
  const raw = env.FLIPSIDE_UNSAFE_PLAINTEXT_FOR_BENCHMARKS;
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw !== '1') problems.push(`FLIPSIDE_UNSAFE_PLAINTEXT_FOR_BENCHMARKS must be 1 or unset, got "${raw}"`);
  if (env.NODE_ENV === 'production') problems.push('FLIPSIDE_UNSAFE_PLAINTEXT_FOR_BENCHMARKS is refused when NODE_ENV=production: personal data is always encrypted there');
  return raw === '1';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, needs: ConfigNeeds = { jwt: true }): FlipsideConfig {
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
  const jwtJwksUrl = env.JWT_JWKS_URL || undefined;
  if (jwtJwksUrl) url('JWT_JWKS_URL', jwtJwksUrl, ['https:', 'http:'], problems);
  // PEM text; `\n` escapes let it travel in one-line environment files.
  const jwtPublicKey = env.JWT_PUBLIC_KEY ? env.JWT_PUBLIC_KEY.replace(/\\n/g, '\n') : undefined;
  if (jwtPublicKey) publicKeyProblem(jwtPublicKey, problems);
  if (jwtJwksUrl && jwtPublicKey) problems.push('JWT_JWKS_URL and JWT_PUBLIC_KEY are exclusive: set one');
  if (needs.jwt && jwtSecret.length < MIN_SECRET_LENGTH && (jwtSecret !== '' || (!jwtJwksUrl && !jwtPublicKey))) {
    problems.push(
      jwtSecret
        ? `JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`
        : 'JWT_SECRET, JWT_JWKS_URL or JWT_PUBLIC_KEY is required (npm start generates a secret for local use; see README)',
    );
  }

  const config: FlipsideConfig = {
    port: port('PORT', env.PORT, 3000, problems),
    projectorPort: port('PROJECTOR_PORT', env.PROJECTOR_PORT, 3001, problems),
    projectorReadyMaxLagSeconds: positiveSeconds('PROJECTOR_READY_MAX_LAG_SECONDS', env.PROJECTOR_READY_MAX_LAG_SECONDS, 30, problems),
    auditAnchorEverySeconds: positiveSeconds('AUDIT_ANCHOR_EVERY_SECONDS', env.AUDIT_ANCHOR_EVERY_SECONDS, 300, problems),
    databaseUrl,
    eventStore: eventStore as FlipsideConfig['eventStore'],
    eventStoreUrl,
    kafkaBrokers,
    jwtSecret,
    jwtJwksUrl,
    jwtPublicKey,
    jwtIssuer: env.JWT_ISSUER || undefined,
    jwtAudience: env.JWT_AUDIENCE || undefined,
    rateLimitPerMinute: nonNegativeInteger('RATE_LIMIT_PER_MINUTE', env.RATE_LIMIT_PER_MINUTE, 600, problems),
    rateLimitPerAddressPerMinute: nonNegativeInteger(
      'RATE_LIMIT_PER_ADDRESS_PER_MINUTE',
      env.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
      3000,
      problems,
    ),
    trustProxy: trustProxyOf(env.TRUST_PROXY),
    metricsToken: env.METRICS_TOKEN || undefined,
    maxConcurrentRequests: nonNegativeInteger('API_MAX_CONCURRENT_REQUESTS', env.API_MAX_CONCURRENT_REQUESTS, 16, problems),
    maxQueuedRequests: nonNegativeInteger('API_MAX_QUEUED_REQUESTS', env.API_MAX_QUEUED_REQUESTS, 48, problems),
    masterKeys: needs.masterKey ?? needs.jwt ? masterKeysOf(env, problems) : undefined,
    plaintextForBenchmarks: plaintextForBenchmarks(env, problems),
  };
  if (problems.length > 0) throw new ConfigurationError(problems);
  return config;
}
