import { Pool } from 'pg';

/**
 * Which programs a person was enrolled in, kept beside the keys: an erasure or a subject access request must find
 * every program at once, without waiting for a projection (and whichever store holds the events).
 */
export class PersonDirectory {
  constructor(private readonly pool: Pool) {}

  /** Written before the enrolment is appended: a row whose append failed only makes erasure look at one program more. */
  async recordEnrolment(organizationId: string, personId: string, programId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO personal_data.person_programs (organization_id, person_id, program_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [organizationId, personId, programId],
    );
  }

  async programsOf(organizationId: string, personId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ program_id: string }>(
      'SELECT program_id FROM personal_data.person_programs WHERE organization_id = $1 AND person_id = $2 ORDER BY recorded_at, program_id',
      [organizationId, personId],
    );
    return rows.map((row) => row.program_id);
  }
}
