import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@flipside/event-store';
import { DecisionRecorder } from './decision-recorder';
import { eventStoreProvider } from './event-store.provider';
import { PairCommands } from './pair-commands';
import { ProgramAccess } from './program-access';
import { ProgramCommands } from './program-commands';
import { SEAL, SEAL_KEY, sealKeyProviders } from './seal-key.provider';
import { StreamStates } from './stream-states';

/** The write path shared by every use case: event store, seal key, state loading, deciding, chaining and appending. */
@Global()
@Module({
  providers: [eventStoreProvider, ...sealKeyProviders, StreamStates, DecisionRecorder, ProgramAccess, ProgramCommands, PairCommands],
  exports: [EVENT_STORE, SEAL_KEY, SEAL, StreamStates, DecisionRecorder, ProgramAccess, ProgramCommands, PairCommands],
})
export class StreamsModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly recorder: DecisionRecorder,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.recorder.drain();
    await this.store.close();
  }
}
