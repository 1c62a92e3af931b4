import { useMemo, useState } from 'preact/hooks';
import { ChatContext } from './chat-context';
import type { ChatItem } from './chat-store';
import { ChatView } from './chat-view';
import { ConversationList, WECHAT_CONVERSATION } from './conversation-list';
import { SidePanels } from './side-panels';
import { TopBar } from './top-bar';
import { usePlayground } from './use-playground';
import { WechatView } from './wechat-view';

function previewOf(item: ChatItem | undefined): string {
  if (!item) return '';
  if (item.kind === 'card') return '[AI 卡片]';
  if (item.kind === 'robot') return item.format === 'markdown' ? item.title || item.text : item.text;
  return item.pictureUrl && !item.text ? '[图片]' : item.text;
}

/** The playground: a DingTalk desktop chat with the robot, and the turn's inside view on the right. */
export function App() {
  const playground = usePlayground();
  const { state, settings, store, selectedTurn } = playground;
  const [memberId, setMemberId] = useState<string | undefined>(undefined);
  const [conversationId, setConversationId] = useState<string | undefined>(undefined);
  const context = useMemo(
    () => (state ? { robotName: state.robot.name, members: state.members, timeZone: state.timeZone } : undefined),
    [state],
  );
  const previews = useMemo(() => {
    const last: Record<string, string> = {};
    for (const item of store.items) last[item.conversationId] = previewOf(item);
    return last;
  }, [store.items]);

  if (playground.loadError !== undefined) return <div class="load-error" data-testid="load-error">无法连接本地服务：{playground.loadError}</div>;
  if (!state || !settings || !context) return <div class="loading">加载中…</div>;

  const member = memberId ?? state.members[0]?.id ?? '';
  const dm = `dm-${member}`;
  const selectedId = conversationId === undefined || (conversationId.startsWith('dm-') && conversationId !== dm) ? dm : conversationId;
  const conversation = state.conversations.find((candidate) => candidate.id === selectedId);
  const items = store.items.filter((item) => item.conversationId === selectedId);

  return (
    <ChatContext.Provider value={context}>
      <div class="app">
        <TopBar robotName={state.robot.name} settings={settings} connection={playground.connection} onChange={playground.changeSettings} />
        {playground.notice && <div class="notice" data-testid="notice">{playground.notice}</div>}
        <main class="workspace">
          <ConversationList
            robotName={state.robot.name}
            members={state.members}
            memberId={member}
            conversations={state.conversations}
            selectedId={selectedId}
            wechat={state.wechat}
            previews={previews}
            onMember={setMemberId}
            onSelect={setConversationId}
          />
          {selectedId === WECHAT_CONVERSATION && state.wechat ? (
            <WechatView memberId={member} />
          ) : conversation ? (
            <ChatView
              conversation={conversation}
              memberId={member}
              items={items}
              selectedTurn={selectedTurn}
              onSelectTurn={playground.setSelectedTurn}
              onSend={(draft) => playground.send(conversation.id, member, draft)}
            />
          ) : (
            <section class="chat empty">没有这个会话</section>
          )}
          <SidePanels
            conversationId={selectedId}
            memberId={member}
            historyRefresh={playground.historyRefresh}
            selectedTurn={selectedTurn}
            logs={selectedTurn === undefined ? [] : (store.logs[selectedTurn] ?? [])}
            figures={selectedTurn === undefined ? undefined : store.figures[selectedTurn]}
            onSelectTurn={playground.setSelectedTurn}
          />
        </main>
      </div>
    </ChatContext.Provider>
  );
}
