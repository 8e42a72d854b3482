import { Logger, Provider } from '@nestjs/common';
import { FlipsideConfig } from '@flipside/config';
import { EVENT_STORE, EventStore, createEventStore } from '@flipside/event-store';

export const FLIPSIDE_CONFIG = Symbol('FlipsideConfig');

export const eventStoreProvider: Provider = {
  provide: EVENT_STORE,
  inject: [FLIPSIDE_CONFIG],
  useFactory: async (config: FlipsideConfig): Promise<EventStore> => {
    const store = createEventStore(config);
    await store.start();
    new Logger('EventStore').log(`Using the ${config.eventStore} event store`);
    return store;
  },
};
