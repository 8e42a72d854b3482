import { ConfigurationError, DEFAULT_DATABASE_URL, loadConfig } from './config';

const secret = 's'.repeat(32);

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
    expect(loadConfig({ JWT_SECRET: secret })).toMatchObject({
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
    });
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([
      'DATABASE_URL',
      'EVENT_STORE',
      'KAFKA_BROKERS',
      'JWT_SECRET',
      'PORT',
      'PROJECTOR_READY_MAX_LAG_SECONDS',
    ]);
  });

  it('requires EVENTSTORE_URL with the EventStoreDB store', () => {
    expect(problemsOf({ JWT_SECRET: secret, EVENT_STORE: 'eventstoredb' })).toEqual([
      expect.stringMatching(/^EVENTSTORE_URL is required/),
    ]);
    expect(
      loadConfig({ JWT_SECRET: secret, EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' }),
    ).toMatchObject({ eventStore: 'eventstoredb', eventStoreUrl: 'esdb://localhost:2113?tls=false' });
  });

  it('requires a JWT secret for the API but not for the projector', () => {
    expect(problemsOf({})).toEqual([expect.stringMatching(/^JWT_SECRET is required/)]);
    expect(problemsOf({}, { jwt: false })).toEqual([]);
  });

  it('takes the projector\'s lag bound in seconds, above zero', () => {
    expect(loadConfig({ JWT_SECRET: secret, PROJECTOR_READY_MAX_LAG_SECONDS: '2.5' }).projectorReadyMaxLagSeconds).toBe(2.5);
    expect(problemsOf({ JWT_SECRET: secret, PROJECTOR_READY_MAX_LAG_SECONDS: '0' })).toEqual([
      expect.stringMatching(/^PROJECTOR_READY_MAX_LAG_SECONDS must be a number of seconds above 0/),
    ]);
  });

  it('splits the broker list', () => {
    expect(loadConfig({ JWT_SECRET: secret, KAFKA_BROKERS: 'a:9092, b:9093' }).kafkaBrokers).toEqual(['a:9092', 'b:9093']);
  });
});
