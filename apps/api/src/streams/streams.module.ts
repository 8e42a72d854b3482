import { Global, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Seal } from '@flipside/audit';
import { EVENT_STORE, EventStore } from '@flipside/event-store';
import { KeyVault, PersonalDataCipher } from '@flipside/personal-data';
import {
  DecisionRecorder,
  PairCommands,
  ProgramAccess,
  ProgramCommands,
  StreamStates,
  WritePath,
  createWritePath,
} from '@flipside/write-path';
import { eventStoreProvider } from './event-store.provider';
import { SEAL, SEAL_KEY, sealKeyProviders } from './seal-key.provider';

const WRITE_PATH = Symbol('WritePath');

/** Each part of the one write path is injected by its class, e.g. a handler's `PairCommands`. */
const partOfWritePath = <T>(token: abstract new (...args: never[]) => T, part: (writePath: WritePath) => T): Provider => ({
  provide: token,
  inject: [WRITE_PATH],
  useFactory: part,
});

/** The write path (libs/write-path) built once for the API, with its event store and seal key. */
@Global()
@Module({
  providers: [
    eventStoreProvider,
    ...sealKeyProviders,
    {
      provide: WRITE_PATH,
      inject: [EVENT_STORE, SEAL, PersonalDataCipher, KeyVault],
      useFactory: (store: EventStore, seal: Seal, cipher: PersonalDataCipher, vault: KeyVault): WritePath =>
        createWritePath({ store, seal, cipher, vault }),
    },
    partOfWritePath(StreamStates, (writePath) => writePath.states),
    partOfWritePath(DecisionRecorder, (writePath) => writePath.recorder),
    partOfWritePath(ProgramAccess, (writePath) => writePath.access),
    partOfWritePath(ProgramCommands, (writePath) => writePath.programs),
    partOfWritePath(PairCommands, (writePath) => writePath.pairs),
  ],
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
