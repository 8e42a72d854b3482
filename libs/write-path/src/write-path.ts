import { Seal } from '@flipside/audit';
import { EventStore } from '@flipside/event-store';
import { KeyVault, PersonalDataCipher } from '@flipside/personal-data';
import { DecisionRecorder } from './decision-recorder';
import { PairCommands } from './pair-commands';
import { PairFence } from './pair-fence';
import { ProgramAccess } from './program-access';
import { ProgramCommands } from './program-commands';
import { StreamStates } from './stream-states';

/** What the write path is built from: the event store, the store's seal, and the personal-data cipher and vault. */
export interface WritePathParts {
  readonly store: EventStore;
  readonly seal: Seal;
  readonly cipher: PersonalDataCipher;
  readonly vault: KeyVault;
}

/** The write path of every command, whoever sends it (the API, the engagement automation). */
export interface WritePath {
  readonly programs: ProgramCommands;
  readonly pairs: PairCommands;
  /** The states this process holds: one cache per process, shared by every command sent through it. */
  readonly states: StreamStates;
  readonly access: ProgramAccess;
  readonly recorder: DecisionRecorder;
}

/** Builds one write path; build one per process, so every command shares its states and its per-stream queue. */
export function createWritePath({ store, seal, cipher, vault }: WritePathParts): WritePath {
  const states = new StreamStates(store, cipher, vault);
  const recorder = new DecisionRecorder(store, states, seal, cipher);
  const access = new ProgramAccess(states);
  return {
    programs: new ProgramCommands(recorder, new PairFence(recorder, states)),
    pairs: new PairCommands(recorder, access, states),
    states,
    access,
    recorder,
  };
}
