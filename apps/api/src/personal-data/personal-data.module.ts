import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { FlipsideConfig } from '@flipside/config';
import { createPool, ensureDatabase } from '@flipside/event-store';
import { KeyVault, PersonalDataCipher, PersonDirectory } from '@flipside/personal-data';
import { Pool } from 'pg';
import { FLIPSIDE_CONFIG } from '../streams/event-store.provider';

const PERSONAL_DATA_POOL = Symbol('PersonalDataPool');

/**
 * Personal data at rest: the key vault (data keys in PostgreSQL, wrapped by FLIPSIDE_MASTER_KEY), the cipher every
 * stored event is read and written through, and the directory of each person's programs.
 */
@Global()
@Module({
  providers: [
    {
      provide: PERSONAL_DATA_POOL,
      inject: [FLIPSIDE_CONFIG],
      useFactory: async (config: FlipsideConfig): Promise<Pool> => {
        await ensureDatabase(config.databaseUrl);
        return createPool(config.databaseUrl, { max: 4, application_name: 'flipside-api-personal-data' });
      },
    },
    {
      provide: KeyVault,
      inject: [PERSONAL_DATA_POOL, FLIPSIDE_CONFIG],
      useFactory: (pool: Pool, config: FlipsideConfig) => {
        if (!config.masterKeys) throw new Error('FLIPSIDE_MASTER_KEY is required to serve personal data');
        return KeyVault.open(pool, config.masterKeys);
      },
    },
    {
      provide: PersonalDataCipher,
      inject: [KeyVault, FLIPSIDE_CONFIG],
      useFactory: (vault: KeyVault, config: FlipsideConfig) =>
        new PersonalDataCipher(vault, { plaintextForBenchmarks: config.plaintextForBenchmarks }),
    },
    { provide: PersonDirectory, inject: [PERSONAL_DATA_POOL], useFactory: (pool: Pool) => new PersonDirectory(pool) },
  ],
  exports: [KeyVault, PersonalDataCipher, PersonDirectory],
})
export class PersonalDataModule implements OnApplicationShutdown {
  constructor(
    private readonly vault: KeyVault,
    @Inject(PERSONAL_DATA_POOL) private readonly pool: Pool,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.vault.close();
    await this.pool.end();
  }
}
