import { Logger, Provider } from '@nestjs/common';
import { FlipsideConfig } from '@flipside/config';
import { openReadModels } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { FLIPSIDE_CONFIG } from '../streams/event-store.provider';

/** Nest injection token for the read models' TypeORM DataSource. */
export const READ_MODELS = Symbol('ReadModels');

export const readModelsProvider: Provider = {
  provide: READ_MODELS,
  inject: [FLIPSIDE_CONFIG],
  useFactory: async (config: FlipsideConfig): Promise<DataSource> => {
    // Migrating here too lets the API start before the projector has ever run (queries then answer empty).
    const dataSource = await openReadModels({ databaseUrl: config.databaseUrl, poolSize: 10, applicationName: 'flipside-api' });
    new Logger('ReadModels').log('Read models ready');
    return dataSource;
  },
};
