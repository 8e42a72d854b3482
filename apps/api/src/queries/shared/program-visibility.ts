import { Inject, Injectable } from '@nestjs/common';
import { ParticipantRow, ProgramOverviewRow } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { problems } from '../../http/problem';
import { Actor } from '../../identity/actor';
import { READ_MODELS } from '../../read-your-writes/read-models.provider';

/** Admins, analysts and auditors read every program of their organization. */
export const isStaff = (actor: Actor) => actor.roles.some((role) => role === 'admin' || role === 'analyst' || role === 'auditor');

/**
 * Who may see which program: staff of its organization, and its own participants (whose token `sub` is their
 * person id: enrolled means a participant row of that person in the program). Anyone else is told it does not
 * exist (404, never 403).
 */
@Injectable()
export class ProgramVisibility {
  constructor(@Inject(READ_MODELS) private readonly dataSource: DataSource) {}

  async program(programId: string, actor: Actor): Promise<ProgramOverviewRow> {
    const program = await this.dataSource.getRepository(ProgramOverviewRow).findOneBy({ programId });
    return visibleProgram(programId, program, actor, () =>
      this.dataSource.getRepository(ParticipantRow).existsBy({ personId: actor.id, programId }),
    );
  }

  /** Staff only: participants, sessions and KPIs of a whole program are not for its participants. */
  async programForStaff(programId: string, actor: Actor): Promise<ProgramOverviewRow> {
    const program = await this.program(programId, actor);
    if (!isStaff(actor)) throw problems.forbidden('Only administrators, analysts and auditors see this for a whole program');
    return program;
  }
}

/**
 * The program if the actor may see it, else the 404 that says it does not exist: the one rule for live answers
 * (rows from the read models) and as-of answers (rows rebuilt from the events). `enrolled` is asked only of participants.
 */
export async function visibleProgram<Program extends { organizationId: string }>(
  programId: string,
  program: Program | null | undefined,
  actor: Actor,
  enrolled: () => boolean | Promise<boolean>,
): Promise<Program> {
  if (!program || program.organizationId !== actor.organizationId) throw notFound(programId);
  if (isStaff(actor)) return program;
  if (actor.roles.includes('participant') && (await enrolled())) return program;
  throw notFound(programId);
}

const notFound = (programId: string) => problems.notFound(`Program ${programId} was not found`, 'program-not-found');
