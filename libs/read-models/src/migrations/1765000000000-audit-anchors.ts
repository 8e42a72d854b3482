import { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_SCHEMA_LOCK } from '@flipside/audit';

/**
 * The projector's audit anchors: the stream heads it has seen, the anchors it wrote (an outbox: published_at is
 * set once Kafka acknowledged the anchor) and, per anchor, the heads that changed since the one before.
 */
export class AuditAnchors1765000000000 implements MigrationInterface {
  name = 'AuditAnchors1765000000000';

  async up(db: QueryRunner): Promise<void> {
    // The API creates audit.seal_key in the same schema under this lock; the two never race on CREATE SCHEMA.
    await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [AUDIT_SCHEMA_LOCK]);
    await db.query('CREATE SCHEMA IF NOT EXISTS audit');
    await db.query(`
      CREATE TABLE audit.stream_heads (
        stream   text PRIMARY KEY,
        revision bigint NOT NULL,
        hash     text NOT NULL,
        position text NOT NULL
      )`);
    await db.query(`
      CREATE TABLE audit.anchors (
        anchor_id    bigserial PRIMARY KEY,
        position     text NOT NULL,
        digest       text NOT NULL,
        streams      int NOT NULL,
        anchored_at  timestamptz NOT NULL,
        published_at timestamptz
      )`);
    await db.query('CREATE INDEX anchors_unpublished ON audit.anchors (anchor_id) WHERE published_at IS NULL');
    await db.query(`
      CREATE TABLE audit.anchor_heads (
        anchor_id bigint NOT NULL REFERENCES audit.anchors,
        stream    text NOT NULL,
        revision  bigint NOT NULL,
        hash      text NOT NULL,
        PRIMARY KEY (anchor_id, stream)
      )`);
    // "The latest anchored head of stream S" reads one index entry.
    await db.query('CREATE INDEX anchor_heads_by_stream ON audit.anchor_heads (stream, anchor_id DESC)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit.anchor_heads');
    await db.query('DROP TABLE audit.anchors');
    await db.query('DROP TABLE audit.stream_heads');
  }
}
