import type { PairFlag } from '@flipside/domain';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A lapse the engagement automation flagged on a pair and no session has ended yet. */
export interface OpenPairFlag {
  readonly flag: PairFlag;
  /** The day the lapse crossed the policy's threshold. */
  readonly since: string;
}

/** A pair's dashboard line. Health is not stored: it depends on today, so queries compute it. */
@Entity({ name: 'pairs' })
@Index('pairs_by_program', ['programId', 'pairedOn', 'pairId'])
@Index('pairs_by_mentor', ['mentorId'])
@Index('pairs_by_mentee', ['menteeId'])
@Index('pairs_by_mentor_person', ['mentorPersonId'])
@Index('pairs_by_mentee_person', ['menteePersonId'])
export class PairRow {
  @PrimaryColumn({ name: 'pair_id', type: 'text' }) pairId!: string;
  @Column({ name: 'program_id', type: 'text' }) programId!: string;
  @Column({ name: 'mentor_id', type: 'text' }) mentorId!: string;
  @Column({ name: 'mentor_person_id', type: 'text' }) mentorPersonId!: string;
  /** Copies of the participant's stored displayName (ciphertext, or pre-encryption plaintext): queries open them. */
  @Column({ name: 'mentor_name', type: 'text', nullable: true }) mentorName!: string | null;
  @Column({ name: 'mentee_id', type: 'text' }) menteeId!: string;
  @Column({ name: 'mentee_person_id', type: 'text' }) menteePersonId!: string;
  @Column({ name: 'mentee_name', type: 'text', nullable: true }) menteeName!: string | null;
  /** 'active' or 'ended'. */
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'paired_by', type: 'text' }) pairedBy!: string;
  @Column({ name: 'match_score', type: 'double precision', nullable: true }) matchScore!: number | null;
  @Column({ name: 'paired_on', type: 'text' }) pairedOn!: string;
  @Column({ name: 'ended_on', type: 'text', nullable: true }) endedOn!: string | null;
  @Column({ name: 'end_reason', type: 'text', nullable: true }) endReason!: string | null;
  /** The program's cadence, copied at pairing (a program's cadence never changes). */
  @Column({ name: 'session_every_days', type: 'int' }) sessionEveryDays!: number;
  @Column({ name: 'min_session_minutes', type: 'int' }) minSessionMinutes!: number;
  @Column({ type: 'int' }) sessions!: number;
  @Column({ type: 'int' }) minutes!: number;
  @Column({ name: 'last_session_on', type: 'text', nullable: true }) lastSessionOn!: string | null;
  /** The latest session long enough to count towards the cadence. */
  @Column({ name: 'last_cadence_session_on', type: 'text', nullable: true }) lastCadenceSessionOn!: string | null;
  @Column({ name: 'open_objectives', type: 'int' }) openObjectives!: number;
  @Column({ name: 'achieved_objectives', type: 'int' }) achievedObjectives!: number;
  @Column({ name: 'dropped_objectives', type: 'int' }) droppedObjectives!: number;
  @Column({ name: 'rating_sum', type: 'int' }) ratingSum!: number;
  @Column({ name: 'rating_count', type: 'int' }) ratingCount!: number;
  /** The mentee answered "not-a-fit" at least once. */
  @Column({ name: 'fit_concern', type: 'boolean' }) fitConcern!: boolean;
  /** The automation's flags of the current lapse, in the order raised, one per flag; a session held clears them. */
  @Column({ name: 'open_flags', type: 'jsonb' }) openFlags!: OpenPairFlag[];
  /** The automatic end ('inactive') the automation announced for this lapse; null when none or once a session was held. */
  @Column({ name: 'ending_on', type: 'text', nullable: true }) endingOn!: string | null;
}
