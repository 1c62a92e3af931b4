import type {
  HistoryView,
  PlaygroundSettings,
  PlaygroundState,
  SendRequest,
  SendResult,
  SettingsRequest,
  TurnView,
  WechatSendRequest,
  WechatSendResult,
} from '../playground-api';

/** The playground routes (local/playground/playground-api.ts: PLAYGROUND_API, repeated here so the page imports types only). */
export const API_BASE = '/playground/api';

async function requestJson<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${API_BASE}${path}`, init);
  if (!response.ok) {
    const body = await response.text().catch(() => '');
    throw new Error(`${response.status} ${body}`.trim());
  }
  return (await response.json()) as T;
}

function postJson<T>(path: string, body: unknown): Promise<T> {
  return requestJson<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export const api = {
  state: () => requestJson<PlaygroundState>('/state'),
  send: (request: SendRequest) => postJson<SendResult>('/messages', request),
  /** The server answers with the new settings, and also pushes them as a 'settings' event to every tab. */
  settings: (request: SettingsRequest) => postJson<unknown>('/settings', request),
  wechat: (request: WechatSendRequest) => postJson<WechatSendResult>('/wechat', request),
  history: (conversationId: string, memberId: string) =>
    requestJson<HistoryView>(`/history?${new URLSearchParams({ conversationId, memberId }).toString()}`),
  turn: (msgId: string) => requestJson<TurnView>(`/turns/${encodeURIComponent(msgId)}`),
};

/** The settings POST's answer, when it is the settings (the contract names no response body for it). */
export function settingsFrom(value: unknown): PlaygroundSettings | undefined {
  return typeof value === 'object' && value !== null && 'demoModel' in value && 'cards' in value ? (value as PlaygroundSettings) : undefined;
}
