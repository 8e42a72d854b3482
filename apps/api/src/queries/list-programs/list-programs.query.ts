import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ProgramOverviewRow } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { Actor } from '../../identity/actor';
import { READ_MODELS } from '../../read-your-writes/read-models.provider';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../shared/paging';
import { isStaff } from '../shared/program-visibility';
import { ListProgramsDto } from './list-programs.dto';

export function programSummary(row: ProgramOverviewRow) {
  return {
    programId: row.programId,
    name: row.name,
    status: row.status,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    cadence: { sessionEveryDays: row.sessionEveryDays, minSessionMinutes: row.minSessionMinutes },
    mentors: row.mentors,
    mentees: row.mentees,
    activePairs: row.activePairs,
    lastActivityOn: row.lastActivityOn,
  };
}
export type ProgramSummary = ReturnType<typeof programSummary>;

export class ListProgramsQuery extends Query<Page<ProgramSummary>> {
  constructor(
    readonly filter: ListProgramsDto,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** The organization's programs, newest first; a participant sees the programs it is enrolled in. */
@QueryHandler(ListProgramsQuery)
export class ListProgramsHandler implements IQueryHandler<ListProgramsQuery> {
  constructor(@Inject(READ_MODELS) private readonly dataSource: DataSource) {}

  async execute({ filter, actor }: ListProgramsQuery): Promise<Page<ProgramSummary>> {
    const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(filter.cursor, 2);
    const query = this.dataSource
      .getRepository(ProgramOverviewRow)
      .createQueryBuilder('program')
      .where('program.organizationId = :organizationId', { organizationId: actor.organizationId });
    if (!isStaff(actor)) {
      query.andWhere('EXISTS (SELECT 1 FROM participants p WHERE p.program_id = program.program_id AND p.participant_id = :actorId)', {
        actorId: actor.id,
      });
    }
    if (filter.status) query.andWhere('program.status = :status', { status: filter.status });
    if (after) query.andWhere('(program.createdOn, program.programId) < (:createdOn, :programId)', { createdOn: after[0], programId: after[1] });
    const rows = await query
      .orderBy('program.createdOn', 'DESC')
      .addOrderBy('program.programId', 'DESC')
      .limit(limit + 1)
      .getMany();
    return pageOf(rows, limit, programSummary, (row) => [row.createdOn, row.programId]);
  }
}
