import { PairCommand, pairContextOf, pairDecider, pairStreamName, programDecider, programStreamName } from '@flipside/domain';
import { CommandContext } from './command-context';
import { CommandOutcome, DecisionRecorder } from './decision-recorder';
import { AccessDenied } from './errors';
import { pairKeyOwners } from './key-owners';
import { ProgramAccess, actsAsAdmin, visibleProgram } from './program-access';
import { StreamStates } from './stream-states';

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
 * Records a command on a pair stream, with the pair's context (members, dates, whether it is running) taken from
 * its program: the state this process holds when it knows the pair, else read. The pair stream is then the only
 * stream a normal attempt reads, and none when this process holds it too.
 */
export class PairCommands {
  constructor(
    private readonly recorder: DecisionRecorder,
    private readonly programs: ProgramAccess,
    private readonly states: StreamStates,
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
      load: async (mayHold) => {
        // A pair's context never changes once paired (members, pairedOn, program dates, focus areas), and its end is
        // the fence's job (PairClosed in this pair's stream, appended before the program's PairEnded), so a held
        // program state, however far behind, lets no record through after the end; a refusal decided on it is
        // decided again on a fresh one (e.g. a program another process launched).
        const held = mayHold ? this.states.cached(programDecider, programStreamName(programId)) : undefined;
        if (held && held.state.status !== 'none' && held.state.pairs[pairId]) {
          return { value: visibleProgram(held.state, programId, context.actor), held: true };
        }
        return { value: await this.programs.load(programId, context.actor), held: false };
      },
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
