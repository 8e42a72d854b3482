/** One jest run for every suite: pure domain specs, and integration suites against real PostgreSQL/Kafka. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs'],
  testMatch: ['**/*.spec.ts'],
  // Transpile only (isolatedModules): `npm test` type-checks the whole tree with tsc first.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
    // jose ships only ES modules, which jest's CommonJS runtime cannot load (Node itself requires them fine).
    '^.+/node_modules/(jose|canonicalize)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|canonicalize)/)'],
  moduleNameMapper: {
    '^@flipside/domain$': '<rootDir>/libs/domain/src',
    '^@flipside/domain/(.*)$': '<rootDir>/libs/domain/src/$1',
    '^@flipside/event-store$': '<rootDir>/libs/event-store/src',
    '^@flipside/event-store/(.*)$': '<rootDir>/libs/event-store/src/$1',
    '^@flipside/testing$': '<rootDir>/libs/testing/src',
    '^@flipside/config$': '<rootDir>/libs/config/src',
    '^@flipside/audit$': '<rootDir>/libs/audit/src',
    '^@flipside/personal-data$': '<rootDir>/libs/personal-data/src',
    '^@flipside/personal-data/(.*)$': '<rootDir>/libs/personal-data/src/$1',
    '^@flipside/write-path$': '<rootDir>/libs/write-path/src',
    '^@flipside/read-models$': '<rootDir>/libs/read-models/src',
    '^@flipside/read-models/(.*)$': '<rootDir>/libs/read-models/src/$1',
  },
  setupFiles: ['reflect-metadata'],
  // A real Kafka broker for the suites that publish: KAFKA_BROKERS, a running local broker, or one started here.
  globalSetup: '<rootDir>/test/kafka-global-setup.ts',
  globalTeardown: '<rootDir>/test/kafka-global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
