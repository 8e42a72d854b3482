import { EndInactivePair, ProgramCommand, programDecider, programStreamName } from '@flipside/domain';
import { CommandContext } from './command-context';
import { CommandOutcome, DecisionRecorder } from './decision-recorder';
import { programKeyOwners } from './key-owners';
import { AccessDenied } from './errors';
import { PairFence } from './pair-fence';
import { actsAsAdmin, visibleProgram } from './program-access';

type DataOf<T extends ProgramCommand['type']> = Extract<ProgramCommand, { type: T }>['data'];

/**
 * Records a command on a program stream, for administrators of the program's organization (and system actors).
 * A decision that ends pairs first fences each of them (PairClosed in the pair's stream), then appends its own
 * events at the program's expected revision; a conflict decides again, and fences already written stay (each is
 * idempotent). A crash between a fence and the program's events leaves the pair closed to new records while the
 * program still lists it active, until the command is retried (same Idempotency-Key, or the automation's re-run):
 * consistent, as nothing is recorded after the end. So does a decision that a conflicting writer turns into a refusal
 * after its fences were written (If-Match stale; an engagement policy lengthened under an end for inactivity): the
 * pair stays fenced until an end is recorded for it again.
 */
export class ProgramCommands {
  constructor(
    private readonly recorder: DecisionRecorder,
    private readonly fence: PairFence,
  ) {}

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
      before: (events, { state }) =>
        state.status === 'none'
          ? undefined
          : this.fence.before(state, events, {
              command: type,
              context,
              lastActiveOn: type === 'EndInactivePair' ? (data as EndInactivePair['data']).lastActiveOn : undefined,
            }),
      keyOwners: (state) => programKeyOwners(state),
    });
  }
}
