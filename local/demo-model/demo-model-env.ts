import { boolean, type Env } from '../../shared/config/env';
import type { DemoModel } from './demo-model';

/**
 * The worker settings that make it talk to the demo model. The key is an obviously local value: the demo accepts
 * any, but the worker refuses to call a model without one, and it must be sent as a real provider requires.
 */
export const DEMO_MODEL_KEY = 'local-demo-key';
/**
 * OPENAI_TIMEOUT_MS for the demo: 20 s instead of the default 60 s, so the staged 'timeout' shows the timeout text
 * in a reasonable wait; the longest demo answer streams in about 14 s at the default pace, inside it.
 */
export const DEMO_MODEL_TIMEOUT_MS = 20_000;

export function demoModelEnv(model: Pick<DemoModel, 'url' | 'model'>): Record<string, string> {
  return {
    OPENAI_API_KEY: DEMO_MODEL_KEY,
    OPENAI_BASE_URL: model.url,
    OPENAI_MODEL: model.model,
    // The only model there is: /model lists it alone, and a conversation's earlier choice falls back to it.
    OPENAI_MODELS: model.model,
    // Vision-capable, so pictures are sent to it and it can say how many it received.
    OPENAI_VISION_MODELS: model.model,
    OPENAI_TIMEOUT_MS: String(DEMO_MODEL_TIMEOUT_MS),
  };
}

/** LOCAL_DEMO_MODEL=true in .env: npm start answers with the demo model. A value other than true/false is refused. */
export function demoModelWanted(env: Env): boolean {
  return boolean(env, 'LOCAL_DEMO_MODEL', false);
}
