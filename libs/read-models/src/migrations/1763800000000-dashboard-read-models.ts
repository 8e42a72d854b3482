import { MigrationInterface, QueryRunner } from 'typeorm';

/** The first read models: program dashboards, pairs and their activity, weekly KPIs, projection checkpoints. */
export class DashboardReadModels1763800000000 implements MigrationInterface {
  name = 'DashboardReadModels1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS read_models_rebuild`);
    await db.query(`
      CREATE TABLE read_models.projection_checkpoints (
        name       text PRIMARY KEY,
        version    int NOT NULL,
        position   text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE read_models.programs (
        program_id          text PRIMARY KEY,
        organization_id     text NOT NULL,
        name                text NOT NULL,
        description         text NOT NULL,
        status              text NOT NULL,
        focus_areas         jsonb NOT NULL,
        goals               jsonb NOT NULL,
        session_every_days  int NOT NULL,
        min_session_minutes int NOT NULL,
        starts_on           text NOT NULL,
        ends_on             text NOT NULL,
        created_on          text NOT NULL,
        launched_on         text,
        closed_on           text,
        outcome             text,
        mentors             int NOT NULL,
        mentees             int NOT NULL,
        withdrawn           int NOT NULL,
        mentees_enrolled    int NOT NULL,
        mentees_paired      int NOT NULL,
        unpaired_mentees    int NOT NULL,
        active_pairs        int NOT NULL,
        ended_pairs         int NOT NULL,
        sessions_held       int NOT NULL,
        minutes_mentored    int NOT NULL,
        objectives_set      int NOT NULL,
        objectives_achieved int NOT NULL,
        objectives_dropped  int NOT NULL,
        knowledge_gain_sum  int NOT NULL,
        mentor_rating_sum   int NOT NULL,
        mentor_rating_count int NOT NULL,
        mentee_rating_sum   int NOT NULL,
        mentee_rating_count int NOT NULL,
        participants_trained int NOT NULL,
        last_activity_on    text NOT NULL
      )`);
    await db.query(`CREATE INDEX programs_by_organization ON read_models.programs (organization_id, created_on DESC, program_id DESC)`);
    await db.query(`
      CREATE TABLE read_models.participants (
        participant_id      text PRIMARY KEY,
        program_id          text NOT NULL,
        role                text NOT NULL,
        display_name        text NOT NULL,
        email               text NOT NULL,
        department          text NOT NULL,
        seniority           int NOT NULL,
        skills              jsonb NOT NULL,
        interests           jsonb NOT NULL,
        capacity            int,
        status              text NOT NULL,
        enrolled_on         text NOT NULL,
        withdrawn_on        text,
        active_pairs        int NOT NULL,
        pairs_total         int NOT NULL,
        trainings_completed int NOT NULL
      )`);
    await db.query(`CREATE INDEX participants_by_program ON read_models.participants (program_id, enrolled_on, participant_id)`);
    await db.query(`
      CREATE TABLE read_models.pairs (
        pair_id                 text PRIMARY KEY,
        program_id              text NOT NULL,
        mentor_id               text NOT NULL,
        mentor_name             text NOT NULL,
        mentee_id               text NOT NULL,
        mentee_name             text NOT NULL,
        status                  text NOT NULL,
        paired_by               text NOT NULL,
        match_score             double precision,
        paired_on               text NOT NULL,
        ended_on                text,
        end_reason              text,
        session_every_days      int NOT NULL,
        min_session_minutes     int NOT NULL,
        sessions                int NOT NULL,
        minutes                 int NOT NULL,
        last_session_on         text,
        last_cadence_session_on text,
        open_objectives         int NOT NULL,
        achieved_objectives     int NOT NULL,
        dropped_objectives      int NOT NULL,
        rating_sum              int NOT NULL,
        rating_count            int NOT NULL,
        fit_concern             boolean NOT NULL
      )`);
    await db.query(`CREATE INDEX pairs_by_program ON read_models.pairs (program_id, paired_on, pair_id)`);
    await db.query(`CREATE INDEX pairs_by_mentor ON read_models.pairs (mentor_id)`);
    await db.query(`CREATE INDEX pairs_by_mentee ON read_models.pairs (mentee_id)`);
    await db.query(`
      CREATE TABLE read_models.sessions (
        session_id       text PRIMARY KEY,
        program_id       text NOT NULL,
        pair_id          text NOT NULL,
        held_on          text NOT NULL,
        duration_minutes int NOT NULL,
        format           text NOT NULL,
        topics           jsonb NOT NULL,
        insights         text NOT NULL,
        action_items     jsonb NOT NULL,
        logged_on        text NOT NULL
      )`);
    await db.query(`CREATE INDEX sessions_by_program ON read_models.sessions (program_id, held_on, session_id)`);
    await db.query(`CREATE INDEX sessions_by_pair ON read_models.sessions (pair_id, held_on)`);
    await db.query(`
      CREATE TABLE read_models.objectives (
        objective_id     text PRIMARY KEY,
        program_id       text NOT NULL,
        pair_id          text NOT NULL,
        title            text NOT NULL,
        area             text NOT NULL,
        success_criteria text NOT NULL,
        target_date      text NOT NULL,
        baseline_level   int NOT NULL,
        current_level    int NOT NULL,
        target_level     int NOT NULL,
        status           text NOT NULL,
        set_on           text NOT NULL,
        last_progress_on text,
        achieved_on      text,
        dropped_on       text,
        drop_reason      text
      )`);
    await db.query(`CREATE INDEX objectives_by_pair ON read_models.objectives (pair_id, set_on)`);
    await db.query(`
      CREATE TABLE read_models.feedback (
        feedback_id text PRIMARY KEY,
        program_id  text NOT NULL,
        pair_id     text NOT NULL,
        session_id  text,
        from_role   text NOT NULL,
        given_by    text NOT NULL,
        rating      int NOT NULL,
        fit         text NOT NULL,
        comment     text NOT NULL,
        given_on    text NOT NULL
      )`);
    await db.query(`CREATE INDEX feedback_by_pair ON read_models.feedback (pair_id, given_on)`);
    await db.query(`
      CREATE TABLE read_models.program_weeks (
        program_id          text NOT NULL,
        week_start          text NOT NULL,
        sessions            int NOT NULL,
        minutes             int NOT NULL,
        rating_sum          int NOT NULL,
        rating_count        int NOT NULL,
        objectives_achieved int NOT NULL,
        PRIMARY KEY (program_id, week_start)
      )`);
    await db.query(`
      CREATE TABLE read_models.pair_spans (
        pair_id    text PRIMARY KEY,
        program_id text NOT NULL,
        paired_on  text NOT NULL,
        ended_on   text
      )`);
    await db.query(`CREATE INDEX pair_spans_by_program ON read_models.pair_spans (program_id, paired_on)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['pair_spans', 'program_weeks', 'feedback', 'objectives', 'sessions', 'pairs', 'participants', 'programs', 'projection_checkpoints']) {
      await db.query(`DROP TABLE IF EXISTS read_models.${table}`);
    }
    await db.query(`DROP SCHEMA IF EXISTS read_models_rebuild CASCADE`);
  }
}
