import type { CardSettings, WorkerSettings } from '../../turn/turn-dependencies';
import { ENV_ROBOT, type ResolvedRobot } from './resolve-robots';

/**
 * A robot's worker settings: the deployment's, with what its section of the controls file sets (docs/controls.md §7).
 * The persona is its system prompt; its models replace the deployment's field by field (its default first among the
 * allowed, as with OPENAI_MODELS); a card template streams its answers into cards with the deployment's cadence. An
 * extra robot's histories live under `<HISTORY_PREFIX>robots/<name>/`, so no two robots ever share a conversation;
 * the env robot's keys stay those of the version before robots.
 */
export function robotWorkerSettings(base: WorkerSettings, robot: ResolvedRobot, cadence: CardSettings): WorkerSettings {
  const models = robot.models;
  const defaultModel = models?.default ?? base.models.default;
  const ownCard = robot.card && { minIntervalMs: cadence.minIntervalMs, minGrowthChars: cadence.minGrowthChars, maxChars: cadence.maxChars };
  return {
    ...base,
    systemPrompt: robot.persona ?? base.systemPrompt,
    models: {
      default: defaultModel,
      allowed: [...new Set([defaultModel, ...(models?.allowed ?? base.models.allowed)])],
      vision: models?.vision ?? base.models.vision,
    },
    card: ownCard ?? (robot.name === ENV_ROBOT ? base.card : undefined),
    history: robot.name === ENV_ROBOT ? base.history : { ...base.history, prefix: robotHistoryPrefix(base.history.prefix, robot.name) },
  };
}

export const robotHistoryPrefix = (historyPrefix: string, robot: string): string => `${historyPrefix}robots/${robot}/`;
