import { loadSealKey, sealWith } from '@flipside/audit';
import { AutomationCommand } from '@flipside/domain';
import { createPool, EventStore } from '@flipside/event-store';
import { KeyVault, MasterKeys, PersonalDataCipher } from '@flipside/personal-data';
import { CommandContext, CommandRefused, createWritePath, WritePath } from '@flipside/write-path';
import { v5 as uuidv5 } from 'uuid';
import { AutomationDecisions, DecisionOrigin, DecisionOutcome } from './fire-due-timers';

/** Who the automation's events name as their actor. */
export const ENGAGEMENT_ACTOR_ID = 'system:engagement';

/** The namespace of the automation's name-based event ids (a fixed, random UUID: it only has to be Flipside's own). */
const EVENT_ID_NAMESPACE = '5d0c3f4e-8f47-4b1e-9a43-1f6f0c2b7d91';

/** The id of the `index`-th event a timer's decision writes to a stream: the same on every run of the decision. */
export function automationEventId(timerId: string, streamName: string, index: number): string {
  return uuidv5(`${timerId}|${streamName}|${index}`, EVENT_ID_NAMESPACE);
}

/** Sends the automation's commands through the write path the API uses, as the system actor of the program's organization. */
export class WritePathDecisions implements AutomationDecisions {
  constructor(private readonly writePath: Pick<WritePath, 'pairs' | 'programs'>) {}

  async decide(command: AutomationCommand, origin: DecisionOrigin): Promise<DecisionOutcome> {
    const context: CommandContext = {
      actor: { id: ENGAGEMENT_ACTOR_ID, roles: ['system'], organizationId: origin.organizationId },
      correlationId: origin.correlationId,
      causationId: origin.causedBy,
      now: origin.now,
      eventIdFor: (streamName, index) => automationEventId(origin.timerId, streamName, index),
    };
    try {
      const outcome =
        command.stream === 'pair'
          ? await this.writePath.pairs.record(command.programId, command.pairId, command.type, command.data, context, { id: command.pairId })
          : await this.writePath.programs.record(command.type, command.data, context, { id: command.programId });
      return outcome.recordedNow ? 'recorded' : 'nothing-to-record';
    } catch (error) {
      // A rule said no (the pair ended meanwhile, the program was closed by hand): the timer is done with.
      if (error instanceof CommandRefused) return `refused:${error.violation.rule}`;
      throw error;
    }
  }
}

/** The write path on the projector's side: the store's seal key and the key vault, as the API opens them. */
export async function openWritePathDecisions(store: EventStore, databaseUrl: string, masterKeys: MasterKeys) {
  const pool = createPool(databaseUrl, { max: 4, application_name: 'flipside-engagement-automation' });
  try {
    const seal = sealWith(await loadSealKey(pool));
    const vault = await KeyVault.open(pool, masterKeys);
    const writePath = createWritePath({ store, seal, cipher: new PersonalDataCipher(vault), vault });
    return { decisions: new WritePathDecisions(writePath), close: () => pool.end() };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
