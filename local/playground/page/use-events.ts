import { useEffect, useState } from 'preact/hooks';
import type { PlaygroundEvent, PlaygroundEventType } from '../playground-api';
import { API_BASE } from './api';

const EVENT_TYPES: Record<PlaygroundEventType, true> = {
  'user-message': true,
  'robot-message': true,
  card: true,
  log: true,
  figures: true,
  settings: true,
};

export type Connection = 'connecting' | 'open' | 'closed';

/**
 * The server's live events (GET /playground/api/events, one SSE `event:` name per type). EventSource reconnects by
 * itself after the server restarts; the page shows the connection state meanwhile.
 */
export function useEvents(onEvent: (event: PlaygroundEvent) => void): Connection {
  const [connection, setConnection] = useState<Connection>('connecting');
  useEffect(() => {
    const source = new EventSource(`${API_BASE}/events`);
    source.onopen = () => setConnection('open');
    source.onerror = () => setConnection(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    const listeners = Object.keys(EVENT_TYPES).map((type) => {
      const listener = (message: MessageEvent<string>) => {
        try {
          const data = JSON.parse(message.data) as Record<string, unknown>;
          onEvent({ ...data, type } as PlaygroundEvent);
        } catch {
          // A malformed event is the server's bug; one bad line should not stop the page.
        }
      };
      source.addEventListener(type, listener);
      return [type, listener] as const;
    });
    return () => {
      for (const [type, listener] of listeners) source.removeEventListener(type, listener);
      source.close();
    };
  }, [onEvent]);
  return connection;
}
