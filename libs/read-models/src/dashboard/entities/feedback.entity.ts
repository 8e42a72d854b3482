import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Feedback from one pair member; `comment` is served to admins only. */
@Entity({ name: 'feedback' })
@Index('feedback_by_pair', ['pairId', 'givenOn'])
export class FeedbackRow {
  @PrimaryColumn({ name: 'feedback_id', type: 'text' }) feedbackId!: string;
  @Column({ name: 'program_id', type: 'text' }) programId!: string;
  @Column({ name: 'pair_id', type: 'text' }) pairId!: string;
  @Column({ name: 'session_id', type: 'text', nullable: true }) sessionId!: string | null;
  @Column({ name: 'from_role', type: 'text' }) fromRole!: string;
  @Column({ name: 'given_by', type: 'text' }) givenBy!: string;
  @Column({ type: 'int' }) rating!: number;
  @Column({ type: 'text' }) fit!: string;
  @Column({ type: 'text' }) comment!: string;
  @Column({ name: 'given_on', type: 'text' }) givenOn!: string;
}
