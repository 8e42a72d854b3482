import { ProgramCommand, programDecider, programStreamName } from '@flipside/domain';
import { CommandContext } from './command-context';
import { CommandOutcome, DecisionRecorder } from './decision-recorder';
import { programKeyOwners } from './key-owners';
import { AccessDenied } from './errors';
import { actsAsAdmin, visibleProgram } from './program-access';

type DataOf<T extends ProgramCommand['type']> = Extract<ProgramCommand, { type: T }>['data'];

/** Records a command on a program stream, for administrators of the program's organization. */
export class ProgramCommands {
  constructor(private readonly recorder: DecisionRecorder) {}

  record<T extends ProgramCommand['type']>(
    type: T,
    data: DataOf<T>,
    context: CommandContext,
    options: { id: string; replayable?: boolean },
  ): Promise<CommandOutcome> {
    const programId = data.programId;
    return this.recorder.record({
      decider: programDecider,
      streamName: programStreamName(programId),
      command: type,
      context,
      id: options.id,
      replayable: options.replayable,
      prepare: ({ state }) => {
        if (!actsAsAdmin(context.actor)) throw new AccessDenied('Only an admin may do this');
        // Creation is the one command on a program that does not exist yet.
        const organizationId =
          type === 'CreateProgram' && state.status === 'none'
            ? context.actor.organizationId
            : visibleProgram(state, programId, context.actor).organizationId;
        return { command: { type, data, now: context.now } as ProgramCommand, organizationId };
      },
      keyOwners: (state) => programKeyOwners(state),
    });
  }
}
