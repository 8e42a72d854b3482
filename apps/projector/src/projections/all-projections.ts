import { DashboardProjection } from './dashboard/dashboard.projection';
import { ProgramKpisProjection } from './program-kpis/program-kpis.projection';
import { Projection } from './projection';

/** Every projection the projector runs, in the order they start. */
export function allProjections(): Projection[] {
  return [new DashboardProjection(), new ProgramKpisProjection()];
}
