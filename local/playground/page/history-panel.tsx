import { useEffect, useState } from 'preact/hooks';
import type { HistoryView } from '../playground-api';
import { api } from './api';
import { HistoryRecordCard } from './history-record';

interface HistoryPanelProps {
  conversationId: string;
  memberId: string;
  /** Bumped when a turn ends, so the stored records are read again. */
  refresh: number;
  onSelectTurn: (msgId: string) => void;
}

/** The stored history of the chat as the current member sees it: the OSS key, its local file, every record. */
export function HistoryPanel({ conversationId, memberId, refresh, onSelectTurn }: HistoryPanelProps) {
  const [view, setView] = useState<HistoryView | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let current = true;
    api.history(conversationId, memberId).then(
      (loaded) => current && (setView(loaded), setError(undefined)),
      (failure: unknown) => current && (setView(undefined), setError(failure instanceof Error ? failure.message : String(failure))),
    );
    return () => {
      current = false;
    };
  }, [conversationId, memberId, refresh]);

  if (error !== undefined) return <div class="panel-empty" data-testid="history-error">读取会话记录失败：{error}</div>;
  if (!view) return <div class="panel-empty">读取中…</div>;
  return (
    <div class="history" data-testid="history">
      <div class="history-where">
        <div><span class="label">Key</span><code data-testid="history-key">{view.key}</code></div>
        <div><span class="label">文件</span><code data-testid="history-file">{view.file}</code></div>
        {view.unreadable > 0 && <div class="note-error">{view.unreadable} 行无法解析（写入中断）</div>}
      </div>
      {view.records.length === 0 ? (
        <div class="panel-empty">暂无记录</div>
      ) : (
        <ol class="history-records">
          {view.records.map((record, index) => (
            <HistoryRecordCard key={index} record={record} onSelectTurn={onSelectTurn} />
          ))}
        </ol>
      )}
    </div>
  );
}
