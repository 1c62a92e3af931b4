import { useState } from 'preact/hooks';
import type { PlaygroundLogLine, TurnFigures } from '../playground-api';
import { WECHAT_CONVERSATION } from './conversation-list';
import { FiguresPanel } from './figures-panel';
import { HistoryPanel } from './history-panel';
import { LogPanel } from './log-panel';

interface SidePanelsProps {
  conversationId: string;
  memberId: string;
  historyRefresh: number;
  selectedTurn: string | undefined;
  logs: PlaygroundLogLine[];
  figures: TurnFigures | undefined;
  onSelectTurn: (msgId: string) => void;
}

type Tab = 'history' | 'logs';

/** The right column: the selected turn's figures always in view, its logs and the stored history as tabs below. */
export function SidePanels(props: SidePanelsProps) {
  const [tab, setTab] = useState<Tab>('logs');
  return (
    <aside class="side">
      <FiguresPanel figures={props.figures} msgId={props.selectedTurn} />
      <section class="panel panel-tabs">
        <div class="tabs" role="tablist">
          <TabButton tab="history" label="会话记录" current={tab} onSelect={setTab} />
          <TabButton tab="logs" label={`日志${props.logs.length ? ` ${props.logs.length}` : ''}`} current={tab} onSelect={setTab} />
        </div>
        <div class="tab-body" data-testid={`panel-${tab}`}>
          {tab === 'history' && props.conversationId === WECHAT_CONVERSATION ? (
            <div class="panel-empty">微信公众号的会话记录不在这里显示</div>
          ) : tab === 'history' ? (
            <HistoryPanel conversationId={props.conversationId} memberId={props.memberId} refresh={props.historyRefresh} onSelectTurn={props.onSelectTurn} />
          ) : (
            <LogPanel lines={props.logs} msgId={props.selectedTurn} />
          )}
        </div>
      </section>
    </aside>
  );
}

function TabButton({ tab, label, current, onSelect }: { tab: Tab; label: string; current: Tab; onSelect: (tab: Tab) => void }) {
  return (
    <button type="button" role="tab" class={`tab${tab === current ? ' tab-active' : ''}`} aria-selected={tab === current} data-testid={`tab-${tab}`} onClick={() => onSelect(tab)}>
      {label}
    </button>
  );
}
