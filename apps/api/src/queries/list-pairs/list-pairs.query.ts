import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { KeyVault } from '@flipside/personal-data';
import { PairRow } from '@flipside/read-models';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../../identity/actor';
import { READ_MODELS } from '../../read-your-writes/read-models.provider';
import { HEALTH_SQL, today } from '../shared/pair-health';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, PageQueryDto, pageOf } from '../shared/paging';
import { isStaff, ProgramVisibility } from '../shared/program-visibility';
import { openerFor, pairView, personalValues } from '../shared/views';
import { ListPairsDto } from './list-pairs.dto';

export class ListPairsQuery extends Query<Page<ReturnType<typeof pairView>>> {
  constructor(
    readonly programId: string,
    readonly filter: ListPairsDto,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** A pair (alias `pair`) with at least one open engagement flag. */
const FLAGGED_SQL = `jsonb_array_length(pair.open_flags) > 0`;

/** Pages a pairs query in pairing order; shared with "my pairs". */
export async function pairsPage(query: SelectQueryBuilder<PairRow>, page: PageQueryDto, on: string, vault: KeyVault) {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(page.cursor, 2);
  if (after) query.andWhere('(pair.pairedOn, pair.pairId) > (:pairedOn, :pairId)', { pairedOn: after[0], pairId: after[1] });
  const rows = await query.orderBy('pair.pairedOn', 'ASC').addOrderBy('pair.pairId', 'ASC').limit(limit + 1).getMany();
  const open = await openerFor(vault, rows.flatMap(personalValues.pair));
  return pageOf(rows, limit, (row) => pairView(row, on, open), (row) => [row.pairedOn, row.pairId]);
}

/** A program's pairs; a participant sees only the pairs it is a member of. */
@QueryHandler(ListPairsQuery)
export class ListPairsHandler implements IQueryHandler<ListPairsQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly dataSource: DataSource,
    private readonly visibility: ProgramVisibility,
    private readonly vault: KeyVault,
  ) {}

  async execute({ programId, filter, actor }: ListPairsQuery) {
    await this.visibility.program(programId, actor);
    const on = today();
    const query = this.dataSource.getRepository(PairRow).createQueryBuilder('pair').where('pair.programId = :programId', { programId });
    // A participant token's `sub` is its person id.
    if (!isStaff(actor)) query.andWhere('(pair.mentorPersonId = :personId OR pair.menteePersonId = :personId)', { personId: actor.id });
    if (filter.status) query.andWhere('pair.status = :status', { status: filter.status });
    if (filter.health) query.andWhere(HEALTH_SQL[filter.health], { today: on });
    if (filter.flagged) query.andWhere(filter.flagged === 'true' ? FLAGGED_SQL : `NOT ${FLAGGED_SQL}`);
    return pairsPage(query, filter, on, this.vault);
  }
}
