import type { DemoFailure, PlaygroundSettings, SettingsRequest } from './playground-api';

/** The demo model as the settings see it (local/demo-model). */
export interface DemoSwitch {
  /** The worker settings that point the worker at the demo model. */
  env: Record<string, string>;
  setFailure(failure: DemoFailure): void;
}

export interface SettingsDependencies {
  /** The worker's environment from .env and the local defaults, before any switch. */
  baseEnv: Readonly<Record<string, string>>;
  demo: DemoSwitch;
  /** The stand-in's card template, when the stand-in is the DingTalk in use; cards cannot be switched otherwise. */
  standInTemplate: string | undefined;
  /** Later worker invocations run with these variables over the base environment (undefined: removed). */
  setWorkerEnv(overrides: Record<string, string | undefined>): void;
  initial: { demoModel: boolean };
}

const CARD_TEMPLATE = 'DINGTALK_CARD_TEMPLATE_ID';

/**
 * The page's switches. Each change is applied as a change of the worker's environment, which is how it would be made
 * on FC (a configuration update; later invocations run on new instances), so what answers is always what a deployed
 * worker with those settings would do. The setup hint stays the answer without a key unless the demo model is on.
 */
export function createPlaygroundSettings(deps: SettingsDependencies) {
  const state = {
    demoModel: deps.initial.demoModel,
    cards: deps.standInTemplate !== undefined && deps.baseEnv[CARD_TEMPLATE] === deps.standInTemplate,
    failure: 'none' as DemoFailure,
  };

  const apply = (): void => {
    const overrides: Record<string, string | undefined> = {};
    // Every variable the demo switch touches is named each time, so switching it off restores exactly the base value.
    for (const name of Object.keys(deps.demo.env)) overrides[name] = state.demoModel ? deps.demo.env[name] : deps.baseEnv[name];
    if (deps.standInTemplate !== undefined) overrides[CARD_TEMPLATE] = state.cards ? deps.standInTemplate : undefined;
    deps.setWorkerEnv(overrides);
    deps.demo.setFailure(state.demoModel ? state.failure : 'none');
  };

  const current = (): PlaygroundSettings => ({
    ...state,
    modelLabel: modelLabel(state.demoModel, deps.baseEnv),
    cardsAvailable: deps.standInTemplate !== undefined,
  });

  apply();
  return {
    current,
    update(request: SettingsRequest): PlaygroundSettings {
      if (request.demoModel !== undefined) state.demoModel = request.demoModel;
      if (request.cards !== undefined && deps.standInTemplate !== undefined) state.cards = request.cards;
      if (request.failure !== undefined) state.failure = request.failure;
      apply();
      return current();
    },
  };
}

function modelLabel(demo: boolean, env: Readonly<Record<string, string>>): string {
  if (demo) return '演示模型 demo（本地，确定性回答 / local, deterministic）';
  if (!env['OPENAI_API_KEY']) return '未配置模型：机器人回复配置提示 / no model configured: the robot answers with a setup hint';
  return `${env['OPENAI_MODEL'] ?? 'gpt-4o-mini'} @ ${env['OPENAI_BASE_URL'] ?? 'https://api.openai.com/v1'}`;
}
