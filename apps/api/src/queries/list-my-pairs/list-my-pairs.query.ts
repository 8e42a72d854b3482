import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { KeyVault } from '@flipside/personal-data';
import { PairRow } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { Actor } from '../../identity/actor';
import { READ_MODELS } from '../../read-your-writes/read-models.provider';
import { pairsPage } from '../list-pairs/list-pairs.query';
import { today } from '../shared/pair-health';
import { Page, PageQueryDto } from '../shared/paging';
import { pairView } from '../shared/views';

export class ListMyPairsQuery extends Query<Page<ReturnType<typeof pairView>>> {
  constructor(
    readonly page: PageQueryDto,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** The pairs the caller is a member of, by person (its token's `sub` is its person id), across its organization's programs. */
@QueryHandler(ListMyPairsQuery)
export class ListMyPairsHandler implements IQueryHandler<ListMyPairsQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly dataSource: DataSource,
    private readonly vault: KeyVault,
  ) {}

  async execute({ page, actor }: ListMyPairsQuery) {
    const query = this.dataSource
      .getRepository(PairRow)
      .createQueryBuilder('pair')
      .innerJoin('programs', 'program', 'program.program_id = pair.program_id')
      .where('program.organization_id = :organizationId', { organizationId: actor.organizationId })
      .andWhere('(pair.mentorPersonId = :personId OR pair.menteePersonId = :personId)', { personId: actor.id });
    return pairsPage(query, page, today(), this.vault);
  }
}
