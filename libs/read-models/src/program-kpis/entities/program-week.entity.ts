import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One program's activity in one ISO week (Monday `week_start`), for the KPI series. */
@Entity({ name: 'program_weeks' })
export class ProgramWeekRow {
  @PrimaryColumn({ name: 'program_id', type: 'text' }) programId!: string;
  @PrimaryColumn({ name: 'week_start', type: 'text' }) weekStart!: string;
  @Column({ type: 'int' }) sessions!: number;
  @Column({ type: 'int' }) minutes!: number;
  @Column({ name: 'rating_sum', type: 'int' }) ratingSum!: number;
  @Column({ name: 'rating_count', type: 'int' }) ratingCount!: number;
  @Column({ name: 'objectives_achieved', type: 'int' }) objectivesAchieved!: number;
}

/** When each pair was active, so a week's active pairs can be counted for any range of weeks. */
@Entity({ name: 'pair_spans' })
export class PairSpanRow {
  @PrimaryColumn({ name: 'pair_id', type: 'text' }) pairId!: string;
  @Column({ name: 'program_id', type: 'text' }) programId!: string;
  @Column({ name: 'paired_on', type: 'text' }) pairedOn!: string;
  @Column({ name: 'ended_on', type: 'text', nullable: true }) endedOn!: string | null;
}
