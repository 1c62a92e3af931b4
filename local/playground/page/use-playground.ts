import { useCallback, useEffect, useReducer, useState } from 'preact/hooks';
import type { PlaygroundEvent, PlaygroundSettings, PlaygroundState, SettingsRequest } from '../playground-api';
import { api, settingsFrom } from './api';
import { emptyStore, reduceStore } from './chat-store';
import type { Draft } from './mentions';
import { useEvents } from './use-events';

const errorText = (failure: unknown) => (failure instanceof Error ? failure.message : String(failure));

/** Everything the page knows: the server's state, the chats as events built them, and the actions that change them. */
export function usePlayground() {
  const [state, setState] = useState<PlaygroundState | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [settings, setSettings] = useState<PlaygroundSettings | undefined>(undefined);
  const [store, dispatch] = useReducer(reduceStore, emptyStore);
  const [selectedTurn, setSelectedTurn] = useState<string | undefined>(undefined);
  const [historyRefresh, setHistoryRefresh] = useState(0);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  useEffect(() => {
    api.state().then(
      (loaded) => (setState(loaded), setSettings(loaded.settings)),
      (failure: unknown) => setLoadError(errorText(failure)),
    );
  }, []);

  const onEvent = useCallback((event: PlaygroundEvent) => {
    if (event.type === 'settings') setSettings(event.settings);
    if (event.type === 'figures' && event.figures.done) setHistoryRefresh((count) => count + 1);
    dispatch({ type: 'event', event });
  }, []);
  const connection = useEvents(onEvent);

  // A turn picked before its live events were seen (an older one, or after a reload): its logs come from the server.
  useEffect(() => {
    if (selectedTurn === undefined || selectedTurn.startsWith('local-')) return;
    api.turn(selectedTurn).then(
      (view) => dispatch({ type: 'turn-loaded', msgId: view.msgId, logs: view.logs, figures: view.figures }),
      () => undefined,
    );
  }, [selectedTurn]);

  const send = useCallback((conversationId: string, memberId: string, draft: Draft & { picture?: string }) => {
    const localId = `local-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const inGroup = conversationId.startsWith('group-');
    dispatch({
      type: 'sending',
      item: { kind: 'user', msgId: localId, pending: true, conversationId, memberId, text: draft.text, mentions: draft.mentions, atRobot: inGroup && draft.atRobot, at: Date.now(), ...(draft.picture === undefined ? {} : { pictureUrl: draft.picture }) },
    });
    api
      .send({
        conversationId,
        memberId,
        text: draft.text,
        ...(inGroup ? { atRobot: draft.atRobot } : {}),
        ...(draft.mentions.length > 0 ? { mentions: draft.mentions } : {}),
        ...(draft.picture === undefined ? {} : { picture: draft.picture }),
      })
      .then(
        (result) => {
          dispatch({ type: 'sent', localId, msgId: result.msgId });
          if (result.sent) setSelectedTurn(result.msgId);
        },
        (failure: unknown) => dispatch({ type: 'send-failed', localId, error: errorText(failure) }),
      );
  }, []);

  const changeSettings = useCallback((request: SettingsRequest) => {
    api.settings(request).then(
      (answer) => {
        const next = settingsFrom(answer);
        if (next) setSettings(next);
        setNotice(undefined);
      },
      (failure: unknown) => setNotice(`设置未生效：${errorText(failure)}`),
    );
  }, []);

  return { state, loadError, settings, store, connection, selectedTurn, setSelectedTurn, historyRefresh, notice, send, changeSettings };
}
