import type { AppendLog } from '../../storage/append-log';
import { answerKeyOf, userLogKeyOf, type AnswerStore } from './answer-store';

/**
 * Deletes what the answer store keeps about a user who unfollowed (docs/wechat.md §3, §6): their day logs and the
 * answers those logs name. The logs are per day, so the days inside the lifecycle rule's reach are looked at (its 2
 * days after the last change, with a margin for when the rule runs): older ones are gone already. Each day's
 * answers go before its log, so a run that dies midway finds them again. Returns how many keys it deleted (absent
 * ones too: a delete does not say).
 */
export type UserEraser = (account: string, user: string, atMs: number) => Promise<number>;

/** The day of the unfollow and the three before it. */
export const FORGOTTEN_DAYS = 4;
const DAY_MS = 24 * 3600_000;
/** Deletes in flight at once: a busy day names hundreds of answers. */
const PARALLEL_DELETES = 16;

export function createUserEraser(store: AnswerStore, log: Pick<AppendLog, 'remove'>, prefix: string): UserEraser {
  return async (account, user, atMs) => {
    let removed = 0;
    for (let day = 0; day < FORGOTTEN_DAYS; day += 1) {
      const dayMs = atMs - day * DAY_MS;
      const { lines } = await store.readUserLog(account, user, dayMs);
      const ids = new Set(lines.map((line) => ('seen' in line ? line.seen : line.served)));
      const answers = [...ids].map((id) => answerKeyOf(prefix, account, id));
      for (let from = 0; from < answers.length; from += PARALLEL_DELETES) {
        await Promise.all(answers.slice(from, from + PARALLEL_DELETES).map((key) => log.remove(key)));
      }
      await log.remove(userLogKeyOf(prefix, account, user, dayMs));
      removed += ids.size + 1;
    }
    return removed;
  };
}
