import type { DemoFailure, PlaygroundSettings, SettingsRequest } from '../playground-api';
import type { Connection } from './use-events';

const FAILURE_LABELS: Record<DemoFailure, string> = { none: '正常', 'wrong-key': 'Key 错误', down: '模型不可用', timeout: '超时' };
const CONNECTION_LABELS: Record<Connection, string> = { open: '已连接', connecting: '连接中…', closed: '已断开' };

interface TopBarProps {
  robotName: string;
  settings: PlaygroundSettings;
  connection: Connection;
  onChange: (request: SettingsRequest) => void;
}

/** The header: who answers (robot, model) and the switches that change the worker's environment. */
export function TopBar({ robotName, settings, connection, onChange }: TopBarProps) {
  return (
    <header class="top-bar">
      <div class="brand">
        <span class="brand-logo">钉</span>
        <span class="brand-title" data-testid="robot-name">{robotName}</span>
        <span class="model-label" data-testid="model-label" title={settings.modelLabel}>{settings.modelLabel}</span>
      </div>
      <div class="switches">
        <Switch testId="demo-model-toggle" label="演示模型" checked={settings.demoModel} onToggle={(demoModel) => onChange({ demoModel })} />
        <Switch
          testId="cards-toggle"
          label="AI 卡片"
          checked={settings.cards}
          disabled={!settings.cardsAvailable}
          title={settings.cardsAvailable ? '回答流式写入 AI 卡片' : '仅在使用本地钉钉替身时可用'}
          onToggle={(cards) => onChange({ cards })}
        />
        {settings.demoModel && (
          <label class="failure">
            模拟故障
            <select
              data-testid="failure-select"
              value={settings.failure}
              onChange={(event) => onChange({ failure: event.currentTarget.value as DemoFailure })}
            >
              {(Object.keys(FAILURE_LABELS) as DemoFailure[]).map((failure) => (
                <option key={failure} value={failure}>{FAILURE_LABELS[failure]}</option>
              ))}
            </select>
          </label>
        )}
        <span class={`connection connection-${connection}`} data-testid="connection" data-state={connection}>
          {CONNECTION_LABELS[connection]}
        </span>
      </div>
    </header>
  );
}

interface SwitchProps {
  testId: string;
  label: string;
  checked: boolean;
  disabled?: boolean;
  title?: string;
  onToggle: (checked: boolean) => void;
}

function Switch({ testId, label, checked, disabled = false, title, onToggle }: SwitchProps) {
  return (
    <label class={`switch${disabled ? ' switch-disabled' : ''}`} title={title}>
      <input type="checkbox" role="switch" data-testid={testId} checked={checked} disabled={disabled} onChange={(event) => onToggle(event.currentTarget.checked)} />
      <span class="switch-track" aria-hidden="true"><span class="switch-thumb" /></span>
      {label}
    </label>
  );
}
