import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One program as its dashboard shows it: the program's own facts and counters kept by the projector. */
@Entity({ name: 'programs' })
export class ProgramOverviewRow {
  @PrimaryColumn({ name: 'program_id', type: 'text' }) programId!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'focus_areas', type: 'jsonb' }) focusAreas!: string[];
  @Column({ type: 'jsonb' }) goals!: string[];
  @Column({ name: 'session_every_days', type: 'int' }) sessionEveryDays!: number;
  @Column({ name: 'min_session_minutes', type: 'int' }) minSessionMinutes!: number;
  @Column({ name: 'starts_on', type: 'text' }) startsOn!: string;
  @Column({ name: 'ends_on', type: 'text' }) endsOn!: string;
  @Column({ name: 'created_on', type: 'text' }) createdOn!: string;
  @Column({ name: 'launched_on', type: 'text', nullable: true }) launchedOn!: string | null;
  @Column({ name: 'closed_on', type: 'text', nullable: true }) closedOn!: string | null;
  @Column({ type: 'text', nullable: true }) outcome!: string | null;
  /** Enrolled and not withdrawn. */
  @Column({ type: 'int' }) mentors!: number;
  @Column({ type: 'int' }) mentees!: number;
  @Column({ type: 'int' }) withdrawn!: number;
  /** Every mentee ever enrolled, and those of them ever paired: the match rate's denominator and numerator. */
  @Column({ name: 'mentees_enrolled', type: 'int' }) menteesEnrolled!: number;
  @Column({ name: 'mentees_paired', type: 'int' }) menteesPaired!: number;
  /** Enrolled mentees without an active pair right now. */
  @Column({ name: 'unpaired_mentees', type: 'int' }) unpairedMentees!: number;
  @Column({ name: 'active_pairs', type: 'int' }) activePairs!: number;
  @Column({ name: 'ended_pairs', type: 'int' }) endedPairs!: number;
  @Column({ name: 'sessions_held', type: 'int' }) sessionsHeld!: number;
  @Column({ name: 'minutes_mentored', type: 'int' }) minutesMentored!: number;
  @Column({ name: 'objectives_set', type: 'int' }) objectivesSet!: number;
  @Column({ name: 'objectives_achieved', type: 'int' }) objectivesAchieved!: number;
  @Column({ name: 'objectives_dropped', type: 'int' }) objectivesDropped!: number;
  /** Sum over achieved objectives of final − baseline level. */
  @Column({ name: 'knowledge_gain_sum', type: 'int' }) knowledgeGainSum!: number;
  @Column({ name: 'mentor_rating_sum', type: 'int' }) mentorRatingSum!: number;
  @Column({ name: 'mentor_rating_count', type: 'int' }) mentorRatingCount!: number;
  @Column({ name: 'mentee_rating_sum', type: 'int' }) menteeRatingSum!: number;
  @Column({ name: 'mentee_rating_count', type: 'int' }) menteeRatingCount!: number;
  /** Enrolled (not withdrawn) participants with at least one completed training. */
  @Column({ name: 'participants_trained', type: 'int' }) participantsTrained!: number;
  @Column({ name: 'last_activity_on', type: 'text' }) lastActivityOn!: string;
}
