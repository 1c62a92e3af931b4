/** DingTalk draws a member without a photo as a coloured disc with the last two characters of the name. */
const COLOURS = ['#3296fa', '#ff943e', '#15bc83', '#9a6cff', '#f25643'];

function colourOf(key: string): string {
  let sum = 0;
  for (const char of key) sum = (sum + (char.codePointAt(0) ?? 0)) % 9973;
  return COLOURS[sum % COLOURS.length] ?? '#3296fa';
}

export function MemberAvatar({ id, nick, size = 36 }: { id: string; nick: string; size?: number }) {
  return (
    <span class="avatar" style={{ background: colourOf(id), width: `${size}px`, height: `${size}px` }} aria-hidden="true">
      {[...nick].slice(-2).join('')}
    </span>
  );
}

/** The robot's avatar: DingTalk's robots carry a robot face on blue. */
export function RobotAvatar({ size = 36 }: { size?: number }) {
  return (
    <span class="avatar avatar-robot" style={{ width: `${size}px`, height: `${size}px` }} aria-hidden="true">
      <svg viewBox="0 0 24 24" width={size * 0.6} height={size * 0.6} fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round">
        <rect x="4" y="7" width="16" height="12" rx="3" />
        <path d="M12 3v4M9 12h.01M15 12h.01M9.5 16h5" />
      </svg>
    </span>
  );
}

/** The group's avatar: a grid-like disc, as DingTalk shows a group without a picture. */
export function GroupAvatar({ title, size = 36 }: { title: string; size?: number }) {
  return (
    <span class="avatar avatar-group" style={{ width: `${size}px`, height: `${size}px` }} aria-hidden="true">
      {[...title].slice(0, 2).join('')}
    </span>
  );
}
