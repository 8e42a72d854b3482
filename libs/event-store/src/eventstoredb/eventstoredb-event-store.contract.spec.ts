import { describeEventStoreContract } from '../testing/event-store.contract';
import { EventStoreDbDouble } from '../testing/eventstoredb-double';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

for (const batchAppend of [true, false]) {
  describeEventStoreContract(`EventStoreDB over the gRPC test double (${batchAppend ? 'BatchAppend' : 'Append'})`, async () => {
    const double = await EventStoreDbDouble.start({ batchAppend });
    const store = new EventStoreDbEventStore(double.connectionString);
    await store.start();
    return {
      store,
      async dispose() {
        await store.close();
        await double.stop();
      },
    };
  });
}

// Against a real server only where one is configured (docker-compose, CI); the contract's streams are unique per test.
const realServer = process.env.EVENTSTORE_URL;
if (realServer) {
  describeEventStoreContract(`EventStoreDB at ${realServer}`, async () => {
    const store = new EventStoreDbEventStore(realServer);
    await store.start();
    return { store, dispose: () => store.close() };
  });
}
