import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'participants' })
@Index('participants_by_program', ['programId', 'enrolledOn', 'participantId'])
export class ParticipantRow {
  @PrimaryColumn({ name: 'participant_id', type: 'text' }) participantId!: string;
  @Column({ name: 'program_id', type: 'text' }) programId!: string;
  @Column({ type: 'text' }) role!: string;
  @Column({ name: 'display_name', type: 'text' }) displayName!: string;
  @Column({ type: 'text' }) email!: string;
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
}
