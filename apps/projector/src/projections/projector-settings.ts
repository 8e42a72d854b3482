import { FlipsideConfig } from '@flipside/config';
import { DEFAULT_LAG_SAMPLING, LagSampling } from './projection-lag';
import { DEFAULT_RUNNER_SETTINGS, ProjectionRunnerSettings } from './projection-runner';

export const PROJECTOR_SETTINGS = Symbol('ProjectorSettings');
export const PROJECTION_STATUSES = Symbol('ProjectionStatuses');
export const EVENT_STORE_REACH = Symbol('EventStoreReach');

export interface ProjectorSettings {
  readonly config: Pick<FlipsideConfig, 'databaseUrl' | 'eventStore' | 'eventStoreUrl'>;
  /** The /health and /metrics port; undefined for none (0 picks a free one). */
  readonly healthPort?: number;
  /** Opens the health port to other hosts, /metrics and health details behind it; unset = loopback only. */
  readonly metricsToken?: string;
  /** Readiness fails when a projection's oldest unapplied event is older than this. */
  readonly readyMaxLagSeconds: number;
  /** How often the lag is sampled from the store, and how many events it counts at most. */
  readonly lagSampling: LagSampling;
  readonly runner: ProjectionRunnerSettings;
  /** Only these projections run in this process (default all). */
  readonly only?: readonly string[];
}

export function projectorSettingsFrom(config: FlipsideConfig): ProjectorSettings {
  return {
    config,
    healthPort: config.projectorPort,
    metricsToken: config.metricsToken,
    readyMaxLagSeconds: config.projectorReadyMaxLagSeconds,
    lagSampling: DEFAULT_LAG_SAMPLING,
    runner: DEFAULT_RUNNER_SETTINGS,
  };
}
