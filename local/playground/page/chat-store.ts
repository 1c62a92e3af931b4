import type { PlaygroundEvent, PlaygroundLogLine, TurnFigures } from '../playground-api';

type EventOf<T extends PlaygroundEvent['type']> = Omit<Extract<PlaygroundEvent, { type: T }>, 'type'>;

/** One entry of a chat, in the order it arrived: the server's events, plus the page's own state of a send. */
export type ChatItem =
  | (EventOf<'user-message'> & {
      kind: 'user';
      /** The server's msgId once known; a local id while the send is under way. */
      pending: boolean;
      error?: string;
    })
  | (Omit<EventOf<'robot-message'>, 'via'> & { kind: 'robot' })
  | (EventOf<'card'> & { kind: 'card' });

export type UserItem = Extract<ChatItem, { kind: 'user' }>;

export interface ChatStore {
  items: ChatItem[];
  logs: Record<string, PlaygroundLogLine[]>;
  figures: Record<string, TurnFigures>;
}

export const emptyStore: ChatStore = { items: [], logs: {}, figures: {} };

export type StoreAction =
  | { type: 'event'; event: PlaygroundEvent }
  | { type: 'sending'; item: UserItem }
  | { type: 'sent'; localId: string; msgId: string }
  | { type: 'send-failed'; localId: string; error: string }
  | { type: 'turn-loaded'; msgId: string; logs: PlaygroundLogLine[]; figures: TurnFigures };

const logKey = (line: PlaygroundLogLine) => `${line.time}|${line.text}`;

function withLogs(store: ChatStore, msgId: string, lines: PlaygroundLogLine[]): ChatStore {
  const known = store.logs[msgId] ?? [];
  const seen = new Set(known.map(logKey));
  const added = lines.filter((line) => !seen.has(logKey(line)));
  if (added.length === 0) return store;
  const merged = [...known, ...added].sort((a, b) => a.time - b.time);
  return { ...store, logs: { ...store.logs, [msgId]: merged } };
}

function onEvent(store: ChatStore, event: PlaygroundEvent): ChatStore {
  switch (event.type) {
    case 'user-message': {
      // This tab's own sends come back as echoes too: one bubble per msgId.
      if (store.items.some((item) => item.kind === 'user' && item.msgId === event.msgId)) return store;
      const { type: _type, pictureUrl, ...rest } = event;
      const item: UserItem = { kind: 'user', pending: false, ...rest, ...(pictureUrl === undefined ? {} : { pictureUrl }) };
      return { ...store, items: [...store.items, item] };
    }
    case 'robot-message': {
      if (store.items.some((item) => item.kind === 'robot' && item.id === event.id)) return store;
      const { type: _type, via: _via, ...rest } = event;
      return { ...store, items: [...store.items, { kind: 'robot', ...rest }] };
    }
    case 'card': {
      const { type: _type, ...rest } = event;
      const index = store.items.findIndex((item) => item.kind === 'card' && item.outTrackId === event.outTrackId);
      if (index < 0) return { ...store, items: [...store.items, { kind: 'card', ...rest }] };
      // A card stays where it first appeared; only its state changes.
      const items = store.items.slice();
      const first = items[index];
      items[index] = { kind: 'card', ...rest, at: first?.at ?? event.at };
      return { ...store, items };
    }
    case 'log':
      return event.msgId === undefined ? store : withLogs(store, event.msgId, [event.line]);
    case 'figures':
      return { ...store, figures: { ...store.figures, [event.msgId]: event.figures } };
    case 'settings':
      return store;
  }
}

export function reduceStore(store: ChatStore, action: StoreAction): ChatStore {
  switch (action.type) {
    case 'event':
      return onEvent(store, action.event);
    case 'sending':
      return { ...store, items: [...store.items, action.item] };
    case 'sent': {
      // The echo may have come first: then it stays and the local copy (same message) goes.
      const echoed = store.items.some((item) => item.kind === 'user' && item.msgId === action.msgId);
      const items = store.items.flatMap((item): ChatItem[] => {
        if (item.kind !== 'user' || item.msgId !== action.localId) return [item];
        return echoed ? [] : [{ ...item, msgId: action.msgId, pending: false }];
      });
      return { ...store, items };
    }
    case 'send-failed':
      return {
        ...store,
        items: store.items.map((item) => (item.kind === 'user' && item.msgId === action.localId ? { ...item, pending: false, error: action.error } : item)),
      };
    case 'turn-loaded': {
      const loaded = withLogs(store, action.msgId, action.logs);
      // Live figures that came meanwhile are newer than the loaded ones.
      const figures = { ...action.figures, ...loaded.figures[action.msgId] };
      return { ...loaded, figures: { ...loaded.figures, [action.msgId]: figures } };
    }
  }
}
