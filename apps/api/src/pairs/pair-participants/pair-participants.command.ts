import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CommandContext, CommandOutcome, ProgramCommands } from '@flipside/write-path';
import { PairParticipantsDto } from './pair-participants.dto';

export class PairParticipantsCommand {
  constructor(
    readonly programId: string,
    readonly body: PairParticipantsDto,
    readonly context: CommandContext,
  ) {}
}

/** Pairing is decided on the program stream, so capacity and one-pair-per-mentee hold under concurrency. */
@CommandHandler(PairParticipantsCommand)
export class PairParticipantsHandler implements ICommandHandler<PairParticipantsCommand, CommandOutcome> {
  constructor(private readonly programs: ProgramCommands) {}

  execute({ programId, body, context }: PairParticipantsCommand): Promise<CommandOutcome> {
    const { id, pairedBy, ...pair } = body;
    const pairId = id ?? randomUUID();
    return this.programs.record(
      'PairParticipants',
      { ...pair, programId, pairId, pairedBy: pairedBy ?? 'admin' },
      context,
      { id: pairId, replayable: id !== undefined },
    );
  }
}
