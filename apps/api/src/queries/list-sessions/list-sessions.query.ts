import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { KeyVault } from '@flipside/personal-data';
import { SessionRow } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { problems } from '../../http/problem';
import { Actor } from '../../identity/actor';
import { READ_MODELS } from '../../read-your-writes/read-models.provider';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../shared/paging';
import { ProgramVisibility } from '../shared/program-visibility';
import { openerFor, personalValues, sessionView } from '../shared/views';
import { ListSessionsDto } from './list-sessions.dto';

export class ListSessionsQuery extends Query<Page<ReturnType<typeof sessionView>>> {
  constructor(
    readonly programId: string,
    readonly filter: ListSessionsDto,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** A program's sessions, latest first; never their confidential notes (the read model does not hold them). */
@QueryHandler(ListSessionsQuery)
export class ListSessionsHandler implements IQueryHandler<ListSessionsQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly dataSource: DataSource,
    private readonly visibility: ProgramVisibility,
    private readonly vault: KeyVault,
  ) {}

  async execute({ programId, filter, actor }: ListSessionsQuery) {
    if (filter.from && filter.to && filter.from > filter.to) {
      throw problems.invalidRequest([{ field: 'from', message: 'from must be on or before to' }]);
    }
    await this.visibility.program(programId, actor);
    const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(filter.cursor, 2);
    const query = this.dataSource.getRepository(SessionRow).createQueryBuilder('session').where('session.programId = :programId', { programId });
    if (filter.from) query.andWhere('session.heldOn >= :from', { from: filter.from });
    if (filter.to) query.andWhere('session.heldOn <= :to', { to: filter.to });
    if (after) query.andWhere('(session.heldOn, session.sessionId) < (:heldOn, :sessionId)', { heldOn: after[0], sessionId: after[1] });
    const rows = await query
      .orderBy('session.heldOn', 'DESC')
      .addOrderBy('session.sessionId', 'DESC')
      .limit(limit + 1)
      .getMany();
    const open = await openerFor(this.vault, rows.flatMap(personalValues.session));
    return pageOf(rows, limit, (row) => sessionView(row, open), (row) => [row.heldOn, row.sessionId]);
  }
}
