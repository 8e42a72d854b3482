import { ConfigurationError } from '@flipside/config';
import { MasterKeys } from '@flipside/personal-data';
import { EngagementClock, systemClock } from './engagement-clock';
import { FiringLimits } from './fire-due-timers';

/** What the engagement automation reads from the environment, checked once at start. */
export interface AutomationSettings extends FiringLimits {
  /** Unset (no FLIPSIDE_MASTER_KEY): the automation is off, as a writer of encrypted events it needs the key. */
  readonly masterKeys?: MasterKeys;
  readonly clock: EngagementClock;
  /** Longest wait between two looks at the clock when nothing wakes the loop (the system clock crosses midnight unannounced). */
  readonly idleCheckMs: number;
}

/**
 * ENGAGEMENT_AUTOMATION=off turns it off; ENGAGEMENT_AUTOMATION_CONCURRENCY (16) pairs are decided at once. The
 * clock is the system's (a process started under libfaketime lives on the date it is given).
 */
export function loadAutomationSettings(env: NodeJS.ProcessEnv = process.env, clock: EngagementClock = systemClock): AutomationSettings {
  const problems: string[] = [];
  const concurrency = Number(env.ENGAGEMENT_AUTOMATION_CONCURRENCY ?? 16);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    problems.push(`ENGAGEMENT_AUTOMATION_CONCURRENCY must be a whole number from 1 to 256, got "${env.ENGAGEMENT_AUTOMATION_CONCURRENCY}"`);
  }
  const switchedOff = env.ENGAGEMENT_AUTOMATION === 'off';
  if (env.ENGAGEMENT_AUTOMATION !== undefined && !['on', 'off'].includes(env.ENGAGEMENT_AUTOMATION)) {
    problems.push(`ENGAGEMENT_AUTOMATION must be "on" or "off", got "${env.ENGAGEMENT_AUTOMATION}"`);
  }
  let masterKeys: MasterKeys | undefined;
  if (!switchedOff && env.FLIPSIDE_MASTER_KEY) {
    try {
      masterKeys = MasterKeys.fromEnvironment(env);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return { masterKeys, clock, batch: 500, concurrency, idleCheckMs: 60_000 };
}
