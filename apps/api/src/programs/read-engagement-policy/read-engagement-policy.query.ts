import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EngagementPolicy, engagementPolicyOf } from '@flipside/domain';
import { ProgramAccess } from '@flipside/write-path';
import { Actor } from '../../identity/actor';

/** What GET /v1/programs/{programId}/engagement-policy answers. */
export interface EngagementPolicyView {
  readonly programId: string;
  readonly policy: EngagementPolicy;
}

export class ReadEngagementPolicyQuery extends Query<EngagementPolicyView> {
  constructor(
    readonly programId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}

@QueryHandler(ReadEngagementPolicyQuery)
export class ReadEngagementPolicyHandler implements IQueryHandler<ReadEngagementPolicyQuery> {
  constructor(private readonly programs: ProgramAccess) {}

  async execute({ programId, actor }: ReadEngagementPolicyQuery): Promise<EngagementPolicyView> {
    // Read from the program stream (the write path's state), not a read model: the stream is the policy's source of truth.
    const program = await this.programs.load(programId, actor);
    return { programId: program.programId, policy: engagementPolicyOf(program) };
  }
}
