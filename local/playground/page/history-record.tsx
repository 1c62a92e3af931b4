import { useChat } from './chat-context';
import { shownTime } from './time';

const shorten = (text: string, max = 80) => (text.length > max ? `${text.slice(0, max)}…` : text);

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

function numberField(record: Record<string, unknown>, key: string): number | undefined {
  const value = record[key];
  return typeof value === 'number' ? value : undefined;
}

/** One stored JSON line (shared/history/records.ts) as a compact card; its full JSON on hover. */
export function HistoryRecordCard({ record, onSelectTurn }: { record: Record<string, unknown>; onSelectTurn: (msgId: string) => void }) {
  const { timeZone } = useChat();
  const type = stringField(record, 't') ?? '?';
  const at = numberField(record, 'at');
  const id = stringField(record, 'id');
  const user = stringField(record, 'user');
  const assistant = stringField(record, 'assistant') ?? stringField(record, 'reply');
  const tokens = numberField(record, 'tokens');
  const details = [stringField(record, 'speaker'), stringField(record, 'kind'), stringField(record, 'model'), stringField(record, 'persona')].filter(Boolean);
  const time = at === undefined ? undefined : shownTime(at, timeZone);
  const selectable = id !== undefined && (type === 'turn' || type === 'done' || type === 'reset');
  return (
    <li
      class={`history-record history-${type}${selectable ? ' selectable' : ''}`}
      data-testid="history-record"
      data-type={type}
      title={JSON.stringify(record, null, 2)}
      onClick={() => selectable && id !== undefined && onSelectTurn(id)}
    >
      <div class="record-head">
        <span class="record-type">{type}</span>
        {time && <span class="time" title={time.full}>{time.short}</span>}
        {details.map((detail) => <span class="record-detail" key={detail}>{detail}</span>)}
        {tokens !== undefined && <span class="record-tokens">{tokens} tokens</span>}
      </div>
      {user !== undefined && <div class="record-line"><b>用户</b>{shorten(user) || '（空）'}</div>}
      {assistant !== undefined && <div class="record-line"><b>助手</b>{shorten(assistant) || '（见卡片）'}</div>}
    </li>
  );
}
