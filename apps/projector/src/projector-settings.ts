import { FlipsideConfig } from '@flipside/config';
import { DEFAULT_ENGINE_SETTINGS, EngineSettings } from './engine/processor-engine';
import { DEFAULT_LAG_SAMPLING, LagSampling } from './engine/processor-lag';

/** What the projector process reads from the environment for its engine and its health port. */
export interface ProjectorSettings {
  readonly config: Pick<FlipsideConfig, 'databaseUrl' | 'eventStore' | 'eventStoreUrl'>;
  /** The /health and /metrics port; undefined for none (0 picks a free one). */
  readonly healthPort?: number;
  /** Opens the health port to other hosts, /metrics and health details behind it; unset = loopback only. */
  readonly metricsToken?: string;
  /** Readiness fails when a read model's oldest unapplied event is older than this. */
  readonly readyMaxLagSeconds: number;
  /** How often the lag is sampled from the store, and how many events it counts at most. */
  readonly lagSampling: LagSampling;
  readonly engine: EngineSettings;
  /** Only these processors run in this process (default all). */
  readonly only?: readonly string[];
}

export function projectorSettingsFrom(config: FlipsideConfig): ProjectorSettings {
  return {
    config,
    healthPort: config.projectorPort,
    metricsToken: config.metricsToken,
    readyMaxLagSeconds: config.projectorReadyMaxLagSeconds,
    lagSampling: DEFAULT_LAG_SAMPLING,
    engine: DEFAULT_ENGINE_SETTINGS,
  };
}
