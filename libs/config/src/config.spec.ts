import { generateKeyPairSync } from 'node:crypto';
import { ConfigurationError, DEFAULT_DATABASE_URL, loadConfig, publicKeyAlgorithm } from './config';

const secret = 's'.repeat(32);
const masterKey = Buffer.alloc(32, 7).toString('base64');

function problemsOf(env: NodeJS.ProcessEnv, needs = { jwt: true }): string[] {
  try {
    loadConfig(env, needs);
  } catch (error) {
    if (error instanceof ConfigurationError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('Configuration', () => {
  it('works for local use with nothing but a JWT secret', () => {
    expect(loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey })).toMatchObject({
      port: 3000,
      projectorPort: 3001,
      projectorReadyMaxLagSeconds: 30,
      databaseUrl: DEFAULT_DATABASE_URL,
      eventStore: 'postgres',
      kafkaBrokers: undefined,
    });
  });

  it('names each wrong variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://db/flipside',
      EVENT_STORE: 'mongo',
      KAFKA_BROKERS: 'kafka:9092, bad broker',
      JWT_SECRET: 'short',
      PROJECTOR_READY_MAX_LAG_SECONDS: 'soon',
      FLIPSIDE_MASTER_KEY: 'not-32-bytes',
    });
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([
      'DATABASE_URL',
      'EVENT_STORE',
      'KAFKA_BROKERS',
      'JWT_SECRET',
      'PORT',
      'PROJECTOR_READY_MAX_LAG_SECONDS',
      'FLIPSIDE_MASTER_KEY',
    ]);
  });

  it('requires EVENTSTORE_URL with the EventStoreDB store', () => {
    expect(problemsOf({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, EVENT_STORE: 'eventstoredb' })).toEqual([
      expect.stringMatching(/^EVENTSTORE_URL is required/),
    ]);
    expect(
      loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' }),
    ).toMatchObject({ eventStore: 'eventstoredb', eventStoreUrl: 'esdb://localhost:2113?tls=false' });
  });

  it('requires a JWT secret for the API but not for the projector', () => {
    expect(problemsOf({})).toEqual([
      expect.stringMatching(/^JWT_SECRET, JWT_JWKS_URL or JWT_PUBLIC_KEY is required/),
      expect.stringMatching(/^FLIPSIDE_MASTER_KEY is not set/),
    ]);
    expect(problemsOf({}, { jwt: false })).toEqual([]);
  });

  it('requires the master key for the API, in 32 bytes, with retired keys during a rotation', () => {
    expect(problemsOf({ JWT_SECRET: secret })).toEqual([expect.stringMatching(/^FLIPSIDE_MASTER_KEY is not set.*npm start generates one/)]);
    expect(problemsOf({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: 'c2hvcnQ=' })).toEqual([expect.stringMatching(/^FLIPSIDE_MASTER_KEY must be 32 random bytes/)]);
    const retired = Buffer.alloc(32, 9).toString('base64');
    const config = loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, FLIPSIDE_RETIRED_MASTER_KEYS: retired });
    expect(config.masterKeys?.current.key.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(problemsOf({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, FLIPSIDE_RETIRED_MASTER_KEYS: 'nope' })).toEqual([
      expect.stringMatching(/^FLIPSIDE_RETIRED_MASTER_KEYS must be 32 random bytes/),
    ]);
  });

  it('stores personal data in plaintext only for a benchmark that asks, never in production', () => {
    expect(loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey }).plaintextForBenchmarks).toBe(false);
    expect(loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, FLIPSIDE_UNSAFE_PLAINTEXT_FOR_BENCHMARKS: '1' }).plaintextForBenchmarks).toBe(true);
    expect(problemsOf({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, FLIPSIDE_UNSAFE_PLAINTEXT_FOR_BENCHMARKS: '1', NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/refused when NODE_ENV=production/),
    ]);
  });

  it('takes the projector\'s lag bound in seconds, above zero', () => {
    expect(loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, PROJECTOR_READY_MAX_LAG_SECONDS: '2.5' }).projectorReadyMaxLagSeconds).toBe(2.5);
    expect(problemsOf({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, PROJECTOR_READY_MAX_LAG_SECONDS: '0' })).toEqual([
      expect.stringMatching(/^PROJECTOR_READY_MAX_LAG_SECONDS must be a number of seconds above 0/),
    ]);
  });

  it('anchors the audit trail every 300 s by default, or every AUDIT_ANCHOR_EVERY_SECONDS above zero', () => {
    expect(loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey }).auditAnchorEverySeconds).toBe(300);
    expect(loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, AUDIT_ANCHOR_EVERY_SECONDS: '0.5' }).auditAnchorEverySeconds).toBe(0.5);
    for (const wrong of ['0', '-5', 'hourly', 'Infinity']) {
      expect(problemsOf({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, AUDIT_ANCHOR_EVERY_SECONDS: wrong })).toEqual([
        expect.stringMatching(/^AUDIT_ANCHOR_EVERY_SECONDS must be a number of seconds above 0/),
      ]);
    }
  });

  it('splits the broker list', () => {
    expect(loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, KAFKA_BROKERS: 'a:9092, b:9093' }).kafkaBrokers).toEqual(['a:9092', 'b:9093']);
  });

  it('takes a public key or a JWKS URL instead of a secret, with optional issuer and audience', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const oneLine = pem.trim().replace(/\n/g, '\\n');
    expect(loadConfig({ FLIPSIDE_MASTER_KEY: masterKey, JWT_PUBLIC_KEY: oneLine, JWT_ISSUER: 'https://idp.test', JWT_AUDIENCE: 'flipside' })).toMatchObject({
      jwtSecret: '',
      jwtPublicKey: pem.trim(),
      jwtIssuer: 'https://idp.test',
      jwtAudience: 'flipside',
    });
    expect(publicKeyAlgorithm(pem)).toBe('ES256');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(publicKeyAlgorithm(rsa)).toBe('RS256');
    expect(loadConfig({ FLIPSIDE_MASTER_KEY: masterKey, JWT_JWKS_URL: 'https://idp.test/.well-known/jwks.json' }).jwtJwksUrl).toBe('https://idp.test/.well-known/jwks.json');
    expect(problemsOf({ FLIPSIDE_MASTER_KEY: masterKey, JWT_JWKS_URL: 'ftp://idp.test/keys' })).toEqual([expect.stringMatching(/^JWT_JWKS_URL must start with/)]);
    expect(problemsOf({ FLIPSIDE_MASTER_KEY: masterKey, JWT_PUBLIC_KEY: 'not a key' })).toEqual([expect.stringMatching(/^JWT_PUBLIC_KEY must be a PEM/)]);
    const ed25519 = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(problemsOf({ FLIPSIDE_MASTER_KEY: masterKey, JWT_PUBLIC_KEY: ed25519 })).toEqual([expect.stringMatching(/^JWT_PUBLIC_KEY must be a PEM/)]);
    expect(problemsOf({ FLIPSIDE_MASTER_KEY: masterKey, JWT_PUBLIC_KEY: pem, JWT_JWKS_URL: 'https://idp.test/jwks' })).toEqual([
      expect.stringMatching(/^JWT_JWKS_URL and JWT_PUBLIC_KEY are exclusive/),
    ]);
    expect(problemsOf({ FLIPSIDE_MASTER_KEY: masterKey, JWT_PUBLIC_KEY: pem, JWT_SECRET: 'short' })).toEqual([expect.stringMatching(/^JWT_SECRET must be at least/)]);
  });

  it('limits requests by default, and 0 turns a limit off', () => {
    expect(loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey })).toMatchObject({
      rateLimitPerMinute: 600,
      rateLimitPerAddressPerMinute: 3000,
      maxConcurrentRequests: 16,
      maxQueuedRequests: 48,
      trustProxy: false,
      metricsToken: undefined,
    });
    expect(
      loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', API_MAX_CONCURRENT_REQUESTS: '0', API_MAX_QUEUED_REQUESTS: '0' }),
    ).toMatchObject({ rateLimitPerMinute: 0, rateLimitPerAddressPerMinute: 0, maxConcurrentRequests: 0, maxQueuedRequests: 0 });
    expect(problemsOf({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, RATE_LIMIT_PER_MINUTE: '-1', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 'lots' })).toEqual([
      expect.stringMatching(/^RATE_LIMIT_PER_MINUTE must be a whole number/),
      expect.stringMatching(/^RATE_LIMIT_PER_ADDRESS_PER_MINUTE must be a whole number/),
    ]);
  });

  it('reads TRUST_PROXY as Express takes it', () => {
    expect(loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({ JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });
});
