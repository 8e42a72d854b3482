import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { problems } from '../../http/problem';
import { isAdmin } from '../../identity/actor';
import { CommandContext } from '../../streams/command-context';
import { CommandOutcome } from '../../streams/decision-recorder';
import { PairCommands } from '../../streams/pair-commands';
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
    if (!isAdmin(context.actor) && body.givenBy !== context.actor.id) {
      throw problems.forbidden('A participant may only give feedback as itself (givenBy must be your own id)');
    }
    const { id, comment, ...feedback } = body;
    const feedbackId = id ?? randomUUID();
    return this.pairs.record(
      programId,
      pairId,
      'GiveFeedback',
      { ...feedback, feedbackId, comment: comment ?? '' },
      context,
      { id: feedbackId, replayable: id !== undefined, pairMembersMay: true },
    );
  }
}
