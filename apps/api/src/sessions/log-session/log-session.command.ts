import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CommandContext, CommandOutcome, PairCommands } from '@flipside/write-path';
import { LogSessionDto } from './log-session.dto';

export class LogSessionCommand {
  constructor(
    readonly programId: string,
    readonly pairId: string,
    readonly body: LogSessionDto,
    readonly context: CommandContext,
  ) {}
}

/** Records a session that took place (`SessionHeld`). */
@CommandHandler(LogSessionCommand)
export class LogSessionHandler implements ICommandHandler<LogSessionCommand, CommandOutcome> {
  constructor(private readonly pairs: PairCommands) {}

  execute({ programId, pairId, body, context }: LogSessionCommand): Promise<CommandOutcome> {
    const { id, actionItems, ...session } = body;
    const sessionId = id ?? randomUUID();
    return this.pairs.record(
      programId,
      pairId,
      'LogSession',
      { ...session, sessionId, actionItems: actionItems?.map((item) => ({ ...item })) },
      context,
      { id: sessionId, replayable: id !== undefined, pairMembersMay: true },
    );
  }
}
