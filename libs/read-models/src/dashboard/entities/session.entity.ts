import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A session as dashboards may show it: SessionHeld's confidential notes are never copied here. */
@Entity({ name: 'sessions' })
@Index('sessions_by_program', ['programId', 'heldOn', 'sessionId'])
@Index('sessions_by_pair', ['pairId', 'heldOn'])
export class SessionRow {
  @PrimaryColumn({ name: 'session_id', type: 'text' }) sessionId!: string;
  @Column({ name: 'program_id', type: 'text' }) programId!: string;
  @Column({ name: 'pair_id', type: 'text' }) pairId!: string;
  @Column({ name: 'held_on', type: 'text' }) heldOn!: string;
  @Column({ name: 'duration_minutes', type: 'int' }) durationMinutes!: number;
  @Column({ type: 'text' }) format!: string;
  @Column({ type: 'jsonb' }) topics!: string[];
  @Column({ type: 'text' }) insights!: string;
  @Column({ name: 'action_items', type: 'jsonb' }) actionItems!: { description: string; owner: string; dueOn: string }[];
  @Column({ name: 'logged_on', type: 'text' }) loggedOn!: string;
}
