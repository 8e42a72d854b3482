import { Inject, Injectable } from '@nestjs/common';
import { ParticipantRow } from '@flipside/read-models';
import { PersonDirectory } from '@flipside/personal-data';
import { DataSource } from 'typeorm';
import { READ_MODELS } from '../read-your-writes/read-models.provider';

/**
 * The programs that may hold a person: the person directory (written at every enrolment, so never behind), and the
 * participants read model for participants enrolled before the directory existed (events of schema version 1,
 * whose person id is their participant id). Each caller still checks the program's own events.
 */
@Injectable()
export class ProgramsOfPerson {
  constructor(
    private readonly directory: PersonDirectory,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
  ) {}

  async of(organizationId: string, personId: string): Promise<string[]> {
    const [recorded, projected] = await Promise.all([
      this.directory.programsOf(organizationId, personId),
      this.readModels
        .getRepository(ParticipantRow)
        .createQueryBuilder('participant')
        .select('participant.programId', 'programId')
        .innerJoin('programs', 'program', 'program.program_id = participant.program_id')
        .where('participant.personId = :personId', { personId })
        .andWhere('program.organization_id = :organizationId', { organizationId })
        .getRawMany<{ programId: string }>(),
    ]);
    return [...new Set([...recorded, ...projected.map((row) => row.programId)])];
  }
}
