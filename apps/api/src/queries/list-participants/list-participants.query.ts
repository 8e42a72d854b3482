import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { KeyVault } from '@flipside/personal-data';
import { ParticipantRow } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { Actor } from '../../identity/actor';
import { READ_MODELS } from '../../read-your-writes/read-models.provider';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../shared/paging';
import { ProgramVisibility } from '../shared/program-visibility';
import { openerFor, participantView, personalValues } from '../shared/views';
import { ListParticipantsDto } from './list-participants.dto';

export class ListParticipantsQuery extends Query<Page<ReturnType<typeof participantView>>> {
  constructor(
    readonly programId: string,
    readonly filter: ListParticipantsDto,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** A program's participants in order of enrolment. */
@QueryHandler(ListParticipantsQuery)
export class ListParticipantsHandler implements IQueryHandler<ListParticipantsQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly dataSource: DataSource,
    private readonly visibility: ProgramVisibility,
    private readonly vault: KeyVault,
  ) {}

  async execute({ programId, filter, actor }: ListParticipantsQuery) {
    await this.visibility.program(programId, actor);
    const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(filter.cursor, 2);
    const query = this.dataSource
      .getRepository(ParticipantRow)
      .createQueryBuilder('participant')
      .where('participant.programId = :programId', { programId });
    if (filter.role) query.andWhere('participant.role = :role', { role: filter.role });
    if (filter.status) query.andWhere('participant.status = :status', { status: filter.status });
    if (filter.unpaired === 'true') query.andWhere(`participant.status = 'enrolled' AND participant.activePairs = 0`);
    if (filter.unpaired === 'false') query.andWhere('participant.activePairs > 0');
    if (after) {
      query.andWhere('(participant.enrolledOn, participant.participantId) > (:enrolledOn, :participantId)', {
        enrolledOn: after[0],
        participantId: after[1],
      });
    }
    const rows = await query
      .orderBy('participant.enrolledOn', 'ASC')
      .addOrderBy('participant.participantId', 'ASC')
      .limit(limit + 1)
      .getMany();
    const open = await openerFor(this.vault, rows.flatMap(personalValues.participant));
    return pageOf(rows, limit, (row) => participantView(row, open), (row) => [row.enrolledOn, row.participantId]);
  }
}
