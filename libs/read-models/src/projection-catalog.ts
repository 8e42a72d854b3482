import { DashboardProjection } from './dashboard/dashboard.projection';
import { ProgramKpisProjection } from './program-kpis/program-kpis.projection';
import type { ReadModelProjection } from './read-model-projection';

/**
 * The projections and the tables each one owns: the projector builds them, the rebuild swaps them, and the
 * API reads a projection's checkpoint to say how far the data it served reaches.
 */
export const PROJECTION_TABLES = {
  /** Programs, participants, pairs and their sessions, objectives and feedback. */
  dashboard: ['programs', 'participants', 'pairs', 'sessions', 'objectives', 'feedback'],
  /** Weekly KPI series per program. */
  'program-kpis': ['program_weeks', 'pair_spans'],
} as const;

export type ProjectionName = keyof typeof PROJECTION_TABLES;
export const PROJECTION_NAMES = Object.keys(PROJECTION_TABLES) as ProjectionName[];

export function isProjectionName(value: string): value is ProjectionName {
  return Object.prototype.hasOwnProperty.call(PROJECTION_TABLES, value);
}

/** The checkpoint row of a rebuild in progress. */
export const rebuildCheckpointName = (name: string) => `${name}:rebuild`;

/** Every read model's projection, in the order the projector starts them. */
export function allProjections(): ReadModelProjection[] {
  return [new DashboardProjection(), new ProgramKpisProjection()];
}
