import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far each projection has applied the log, written in the same transaction as its rows; `version` is the
 * projection code's version that built the tables (a different one in code triggers a rebuild).
 * Rows named `<projection>:rebuild` track a rebuild in progress.
 */
@Entity({ schema: 'read_models', name: 'projection_checkpoints' })
export class ProjectionCheckpointRow {
  @PrimaryColumn({ type: 'text' }) name!: string;
  @Column({ type: 'int' }) version!: number;
  /** A serialized log position, "commit/prepare". */
  @Column({ type: 'text' }) position!: string;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
