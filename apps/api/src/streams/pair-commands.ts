import { Injectable } from '@nestjs/common';
import { PairCommand, pairContextOf, pairDecider, pairStreamName } from '@flipside/domain';
import { problems } from '../http/problem';
import { isAdmin } from '../identity/actor';
import { CommandContext } from './command-context';
import { CommandOutcome, DecisionRecorder } from './decision-recorder';
import { ProgramAccess } from './program-access';

type DataOf<T extends PairCommand['type']> = Extract<PairCommand, { type: T }>['data'];

export interface PairCommandOptions {
  readonly id: string;
  readonly replayable?: boolean;
  /** Participants may send this command for a pair they belong to (objectives, sessions, feedback). */
  readonly pairMembersMay?: boolean;
}

/**
 * Records a command on a pair stream. The program stream is the authority on the pair: it is read on every
 * attempt, for access and for the pair's context (members, dates, whether it is still running).
 */
@Injectable()
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
        if (!isAdmin(context.actor)) {
          const member =
            pairContext.pairStatus !== 'unknown' &&
            (pairContext.mentorId === context.actor.id || pairContext.menteeId === context.actor.id);
          if (!options.pairMembersMay || !member) {
            throw problems.forbidden(
              options.pairMembersMay
                ? `Only the members of pair ${pairId} (or an admin) may do this`
                : 'Only an admin may do this',
            );
          }
        }
        return {
          command: { type, data, context: pairContext, now: context.now } as PairCommand,
          organizationId: program.organizationId,
        };
      },
    });
  }
}
