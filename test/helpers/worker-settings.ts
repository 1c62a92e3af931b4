import type { ImageFetcher } from '../../shared/channels/channel';
import type { WorkerSettings } from '../../shared/turn/turn-dependencies';

/** Worker settings for unit tests: the defaults a deployment gets, with a short system prompt. */
export function createWorkerSettings(overrides: Partial<WorkerSettings> = {}): WorkerSettings {
  return {
    systemPrompt: '你是助手',
    commands: { reset: ['新对话', '/new'], help: ['帮助'] },
    history: { prefix: 'h/', tailBytes: 64 * 1024, maxBytes: 1024 * 1024, tokenBudget: 4000, promptTokenBudget: 16_000, sessionTimeoutMs: 3_600_000, groupShared: false },
    modelTimeoutMs: 30_000,
    models: { default: 'model-a', allowed: ['model-a', 'model-b', 'vision-c'], vision: ['vision-c'] },
    showReasoning: false,
    runsLocally: false,
    card: undefined,
    images: { maxCount: 4, totalMaxBytes: 10 * 1024 * 1024 },
    ...overrides,
  };
}

/** Pictures by download code, as data URLs; an unknown code fails as a download would. */
export function createImageFetcher(known: Record<string, string> = {}): ImageFetcher & { fetched: string[] } {
  const fetched: string[] = [];
  return {
    fetched,
    async downloadImage({ downloadCode }) {
      fetched.push(downloadCode);
      const dataUrl = known[downloadCode];
      if (dataUrl === undefined) throw new Error(`unknown download code ${downloadCode}`);
      return { dataUrl, bytes: dataUrl.length, mimeType: 'image/png' };
    },
  };
}
