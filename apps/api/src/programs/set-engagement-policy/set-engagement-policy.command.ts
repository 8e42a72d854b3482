import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EngagementPolicy, resolveEngagementPolicy } from '@flipside/domain';
import { CommandContext, CommandOutcome, CommandRefused, ProgramAccess, ProgramCommands } from '@flipside/write-path';
import { EngagementPolicyDto } from './set-engagement-policy.dto';

export class SetEngagementPolicyCommand {
  constructor(
    readonly programId: string,
    readonly body: EngagementPolicyDto,
    readonly context: CommandContext,
  ) {}
}

export interface EngagementPolicyOutcome {
  readonly outcome: CommandOutcome;
  /** The whole policy now in force: the figures sent, the defaults for the others. */
  readonly policy: EngagementPolicy;
}

/** Replaces the program's engagement policy (figures left out take their defaults); the same policy again records nothing. */
@CommandHandler(SetEngagementPolicyCommand)
export class SetEngagementPolicyHandler implements ICommandHandler<SetEngagementPolicyCommand, EngagementPolicyOutcome> {
  constructor(
    private readonly programs: ProgramCommands,
    private readonly access: ProgramAccess,
  ) {}

  async execute({ programId, body, context }: SetEngagementPolicyCommand): Promise<EngagementPolicyOutcome> {
    const policy = { ...body };
    let outcome: CommandOutcome;
    try {
      outcome = await this.programs.record('SetEngagementPolicy', { programId, policy }, context, { id: programId });
    } catch (error) {
      throw asBodyField(error);
    }
    // The cadence never changes after creation, so this resolves to exactly what the decision recorded (or kept).
    const { cadence } = await this.access.load(programId, context.actor);
    return { outcome, policy: resolveEngagementPolicy(policy, cadence) };
  }
}

// The domain names the command's field (`policy.stalledAfterDays`); the request's body is the policy itself.
function asBodyField(error: unknown): unknown {
  if (!(error instanceof CommandRefused)) return error;
  const { violation } = error;
  if (violation.kind !== 'invalid' || !violation.field?.startsWith('policy.')) return error;
  return new CommandRefused({ ...violation, field: violation.field.slice('policy.'.length) });
}
