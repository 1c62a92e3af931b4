import { useEffect, useRef } from 'preact/hooks';
import type { PlaygroundLogLine } from '../playground-api';
import { useChat } from './chat-context';
import { shownTime } from './time';

/** The selected turn's log lines (already redacted by the server), newest at the bottom, coloured by level. */
export function LogPanel({ lines, msgId }: { lines: PlaygroundLogLine[]; msgId: string | undefined }) {
  const { timeZone } = useChat();
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [lines.length]);
  if (msgId === undefined) return <div class="panel-empty">发送一条消息后，这里显示该轮的日志</div>;
  if (lines.length === 0) return <div class="panel-empty">暂无日志</div>;
  return (
    <ol class="log-lines" ref={list} data-testid="log-lines">
      {lines.map((line, index) => (
        <li
          key={`${line.time}-${index}`}
          class={`log-line log-${line.level}`}
          data-testid="log-line"
          data-level={line.level}
          title={`${shownTime(line.time, timeZone).full} ${line.service}`}
        >
          {line.text}
        </li>
      ))}
    </ol>
  );
}
