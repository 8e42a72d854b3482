import { PairCommand, pairContextOf, pairDecider, pairStreamName } from '@flipside/domain';
import { CommandContext } from './command-context';
import { CommandOutcome, DecisionRecorder } from './decision-recorder';
import { AccessDenied } from './errors';
import { pairKeyOwners } from './key-owners';
import { ProgramAccess, actsAsAdmin } from './program-access';

type DataOf<T extends PairCommand['type']> = Extract<PairCommand, { type: T }>['data'];

export interface PairCommandOptions {
  readonly id: string;
  readonly replayable?: boolean;
  /** Participants may send this command for a pair they belong to (objectives, sessions, feedback). */
  readonly pairMembersMay?: boolean;
  /** A participant record the command speaks for (feedback's givenBy): a participant must be its person. */
  readonly speaksFor?: string;
}

/**
 * Records a command on a pair stream. The program stream is the authority on the pair: it is read on every
 * attempt, for access and for the pair's context (members, dates, whether it is still running).
 */
export class PairCommands {
  constructor(
    private readonly recorder: DecisionRecorder,
    private readonly programs: ProgramAccess,
  ) {}

  record<T extends PairCommand['type']>(
    programId: string,
    pairId: string,
    type: T,
    data: DataOf<T>,
    context: CommandContext,
    options: PairCommandOptions,
  ): Promise<CommandOutcome> {
    return this.recorder.record({
      decider: pairDecider,
      streamName: pairStreamName(pairId),
      command: type,
      context,
      id: options.id,
      replayable: options.replayable,
      load: () => this.programs.load(programId, context.actor),
      prepare: (_pair, program) => {
        const pairContext = pairContextOf(program, pairId);
        if (!actsAsAdmin(context.actor)) {
          // A participant token's sub is its person id: it acts for every participant record of that person.
          const member =
            pairContext.pairStatus !== 'unknown' &&
            (pairContext.mentorPersonId === context.actor.id || pairContext.menteePersonId === context.actor.id);
          if (!options.pairMembersMay || !member) {
            throw new AccessDenied(
              options.pairMembersMay
                ? `Only the members of pair ${pairId} (or an admin) may do this`
                : 'Only an admin may do this',
            );
          }
          if (options.speaksFor !== undefined && program.participants[options.speaksFor]?.personId !== context.actor.id) {
            throw new AccessDenied('A participant may only act as itself (the participant id must be one of your own)');
          }
        }
        return {
          command: { type, data, context: pairContext, now: context.now } as PairCommand,
          organizationId: program.organizationId,
        };
      },
      keyOwners: (_pair, program) => pairKeyOwners(program, pairId),
    });
  }
}
