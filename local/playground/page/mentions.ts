/** Who an @ in the composer can name: the robot, or a member of the group. */
export interface MentionOption {
  /** 'robot' or the member's id. */
  id: string;
  label: string;
}

export const ROBOT_MENTION = 'robot';

export interface Draft {
  text: string;
  mentions: string[];
  atRobot: boolean;
}

/**
 * Turns what the composer holds into what DingTalk would send: members still named in the text are atUsers; the
 * robot's own @ is not part of the text DingTalk hands the robot (docs/dingtalk.md §1), only the fact that it was @-ed.
 */
export function draftOf(text: string, picked: MentionOption[]): Draft {
  const named = picked.filter((option) => text.includes(`@${option.label}`));
  const robot = named.find((option) => option.id === ROBOT_MENTION);
  const mentions = [...new Set(named.filter((option) => option.id !== ROBOT_MENTION).map((option) => option.id))];
  const stripped = robot ? text.split(`@${robot.label}`).join('') : text;
  return { text: stripped.replace(/^[ \u00a0]+/, '').trimEnd(), mentions, atRobot: robot !== undefined };
}

/** The text after choosing `option` at `caret`: an '@' just typed becomes the mention, otherwise it is inserted. */
export function insertMention(text: string, caret: number, option: MentionOption): { text: string; caret: number } {
  const before = text.slice(0, caret);
  const head = before.endsWith('@') ? before.slice(0, -1) : before;
  const inserted = `@${option.label} `;
  return { text: `${head}${inserted}${text.slice(caret)}`, caret: head.length + inserted.length };
}
