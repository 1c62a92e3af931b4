import { nickOf, useChat } from './chat-context';
import { shownTime } from './time';

/** HH:MM, with the full time and the zone's label on hover. */
export function Time({ at }: { at: number }) {
  const { timeZone } = useChat();
  const time = shownTime(at, timeZone);
  return <time class="time" dateTime={new Date(at).toISOString()} title={time.full}>{time.short}</time>;
}

/** The 「@李四」 line DingTalk shows at the top of a group message that @-mentions members. */
export function AtLine({ memberIds }: { memberIds: string[] }) {
  const { members } = useChat();
  if (memberIds.length === 0) return null;
  return <div class="at-line" data-testid="at-line">{memberIds.map((id) => `@${nickOf(members, id)}`).join(' ')}</div>;
}

/** A user's text with its @-mentions drawn in blue, as DingTalk does. */
export function MentionText({ text, names }: { text: string; names: string[] }) {
  if (names.length === 0) return <>{text}</>;
  const escaped = names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const parts = text.split(new RegExp(`(${escaped.map((name) => `@${name}`).join('|')})`, 'g'));
  return <>{parts.map((part, index) => (index % 2 === 1 ? <span key={index} class="mention">{part}</span> : part))}</>;
}

/**
 * DingTalk draws the `@<userId>` a markdown reply carries for an @-mention (docs/dingtalk.md §4a) as the member's
 * name; the page does the same, so the ids never show.
 */
export function withMentionNames(text: string, memberIds: string[], members: Parameters<typeof nickOf>[0]): string {
  return memberIds.reduce((shown, id) => shown.split(`@${id}`).join(`@${nickOf(members, id)}`), text);
}
