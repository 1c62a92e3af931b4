import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { PlaygroundMember } from '../playground-api';

/** What every bubble needs to draw names and times, without passing it through each level. */
export interface ChatContextValue {
  robotName: string;
  members: PlaygroundMember[];
  timeZone: { name: string; label: string };
}

export const ChatContext = createContext<ChatContextValue>({ robotName: '机器人', members: [], timeZone: { name: 'UTC', label: 'UTC' } });

export function useChat(): ChatContextValue {
  return useContext(ChatContext);
}

export function nickOf(members: PlaygroundMember[], id: string): string {
  return members.find((member) => member.id === id)?.nick ?? id;
}
