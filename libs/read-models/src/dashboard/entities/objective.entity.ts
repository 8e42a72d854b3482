import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'objectives' })
@Index('objectives_by_pair', ['pairId', 'setOn'])
export class ObjectiveRow {
  @PrimaryColumn({ name: 'objective_id', type: 'text' }) objectiveId!: string;
  @Column({ name: 'program_id', type: 'text' }) programId!: string;
  @Column({ name: 'pair_id', type: 'text' }) pairId!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text' }) area!: string;
  @Column({ name: 'success_criteria', type: 'text' }) successCriteria!: string;
  @Column({ name: 'target_date', type: 'text' }) targetDate!: string;
  @Column({ name: 'baseline_level', type: 'int' }) baselineLevel!: number;
  @Column({ name: 'current_level', type: 'int' }) currentLevel!: number;
  @Column({ name: 'target_level', type: 'int' }) targetLevel!: number;
  /** 'open', 'achieved' or 'dropped'. */
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'set_on', type: 'text' }) setOn!: string;
  @Column({ name: 'last_progress_on', type: 'text', nullable: true }) lastProgressOn!: string | null;
  @Column({ name: 'achieved_on', type: 'text', nullable: true }) achievedOn!: string | null;
  @Column({ name: 'dropped_on', type: 'text', nullable: true }) droppedOn!: string | null;
  @Column({ name: 'drop_reason', type: 'text', nullable: true }) dropReason!: string | null;
}
