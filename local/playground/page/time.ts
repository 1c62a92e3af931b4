/** Times on the page: HH:MM in the server's time zone, and the full time with the zone's label for a hover title. */
export interface ShownTime {
  short: string;
  full: string;
}

const formats = new Map<string, { short: Intl.DateTimeFormat; full: Intl.DateTimeFormat }>();

function formatsFor(timeZone: string) {
  let found = formats.get(timeZone);
  if (!found) {
    const base = { timeZone, hourCycle: 'h23' } as const;
    found = {
      short: new Intl.DateTimeFormat('zh-CN', { ...base, hour: '2-digit', minute: '2-digit' }),
      full: new Intl.DateTimeFormat('zh-CN', { ...base, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    };
    formats.set(timeZone, found);
  }
  return found;
}

export function shownTime(at: number, timeZone: { name: string; label: string }): ShownTime {
  const { short, full } = formatsFor(timeZone.name);
  return { short: short.format(at), full: `${full.format(at)} ${timeZone.label}` };
}
