import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'participants' })
@Index('participants_by_program', ['programId', 'enrolledOn', 'participantId'])
@Index('participants_by_person', ['personId', 'programId'])
export class ParticipantRow {
  @PrimaryColumn({ name: 'participant_id', type: 'text' }) participantId!: string;
  @Column({ name: 'program_id', type: 'text' }) programId!: string;
  /** The stable employee id: a participant token's `sub`. */
  @Column({ name: 'person_id', type: 'text' }) personId!: string;
  @Column({ type: 'text' }) role!: string;
  /**
   * Personal fields hold the stored form, never plaintext the projector decrypted (it has no key): ciphertext
   * (`pd1:…`), or the plaintext of an event written before encryption; null once the person was erased.
   */
  @Column({ name: 'display_name', type: 'text', nullable: true }) displayName!: string | null;
  @Column({ type: 'text', nullable: true }) email!: string | null;
  @Column({ type: 'text' }) department!: string;
  @Column({ type: 'int' }) seniority!: number;
  @Column({ type: 'jsonb' }) skills!: string[];
  @Column({ type: 'jsonb' }) interests!: string[];
  @Column({ type: 'int', nullable: true }) capacity!: number | null;
  /** 'enrolled' or 'withdrawn'. */
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'enrolled_on', type: 'text' }) enrolledOn!: string;
  @Column({ name: 'withdrawn_on', type: 'text', nullable: true }) withdrawnOn!: string | null;
  @Column({ name: 'active_pairs', type: 'int' }) activePairs!: number;
  @Column({ name: 'pairs_total', type: 'int' }) pairsTotal!: number;
  @Column({ name: 'trainings_completed', type: 'int' }) trainingsCompleted!: number;
  /** The person was erased (PersonErased): their keys are destroyed, their personal fields unreadable. */
  @Column({ type: 'boolean', default: false }) erased!: boolean;
}
