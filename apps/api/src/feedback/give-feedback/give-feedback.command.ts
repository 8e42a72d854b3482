import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CommandContext, CommandOutcome, PairCommands } from '@flipside/write-path';
import { GiveFeedbackDto } from './give-feedback.dto';

export class GiveFeedbackCommand {
  constructor(
    readonly programId: string,
    readonly pairId: string,
    readonly body: GiveFeedbackDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(GiveFeedbackCommand)
export class GiveFeedbackHandler implements ICommandHandler<GiveFeedbackCommand, CommandOutcome> {
  constructor(private readonly pairs: PairCommands) {}

  execute({ programId, pairId, body, context }: GiveFeedbackCommand): Promise<CommandOutcome> {
    const { id, comment, ...feedback } = body;
    const feedbackId = id ?? randomUUID();
    return this.pairs.record(
      programId,
      pairId,
      'GiveFeedback',
      { ...feedback, feedbackId, comment: comment ?? '' },
      context,
      { id: feedbackId, replayable: id !== undefined, pairMembersMay: true, speaksFor: body.givenBy },
    );
  }
}
