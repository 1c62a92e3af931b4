import type { ByteAllowance, ImageFetcher } from '../channels/channel';
import { MediaError } from '../errors';
import type { TurnDependencies } from './turn-dependencies';
import { picturesSkippedNote } from './user-messages';

/**
 * The pictures of one message, bounded so that a message full of large pictures cannot exhaust the worker's memory:
 * the first `maxCount` are fetched, at most PARALLEL_DOWNLOADS at a time, sharing one allowance of `totalMaxBytes`.
 * A picture the allowance cannot hold is left out and the answer says so (`note`), unless none is left, which fails
 * the turn with MEDIA_TOTAL_TOO_LARGE; any other failed picture fails the turn, as a single picture always did.
 */
export interface TurnPictures {
  /** In the message's order, without those left out. */
  pictures: Array<{ dataUrl: string }>;
  note: string | undefined;
}

const PARALLEL_DOWNLOADS = 2;

/** A channel names pictures only when it can fetch them; one that did not is a bug, told as a failed download. */
const NO_MEDIA: ImageFetcher = {
  downloadImage: () => Promise.reject(new MediaError('MEDIA_DOWNLOAD_FAILED', 'this channel cannot fetch pictures')),
};

export async function fetchTurnPictures(codes: readonly string[], media: ImageFetcher | undefined, deps: TurnDependencies): Promise<TurnPictures> {
  const { maxCount, totalMaxBytes } = deps.settings.images;
  const taken = codes.slice(0, maxCount);
  const fetcher = media ?? NO_MEDIA;
  const allowance = createByteAllowance(totalMaxBytes);
  const results: Array<{ dataUrl: string } | 'over-budget' | undefined> = taken.map(() => undefined);
  const failures: unknown[] = [];
  let next = 0;

  const lane = async (): Promise<void> => {
    while (next < taken.length && failures.length === 0) {
      const index = next;
      next += 1;
      const downloadCode = taken[index] as string;
      try {
        const picture = await fetcher.downloadImage({ downloadCode, allowance });
        results[index] = { dataUrl: picture.dataUrl };
      } catch (error) {
        if (error instanceof MediaError && error.code === 'MEDIA_TOTAL_TOO_LARGE') results[index] = 'over-budget';
        else failures.push(error);
      }
    }
  };
  // Every lane ends before a failure is thrown, so no download is left running after the turn has moved on.
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DOWNLOADS, taken.length) }, lane));
  if (failures.length > 0) throw failures[0];

  const pictures = results.filter((result): result is { dataUrl: string } => typeof result === 'object');
  const overBudget = results.filter((result) => result === 'over-budget').length;
  const note = picturesSkippedNote({ sent: codes.length, taken: taken.length, overBudget, totalMaxBytes });
  // Not one picture to look at: a question about them cannot be answered, so the user hears why instead.
  if (pictures.length === 0 && overBudget > 0) {
    throw new MediaError('MEDIA_TOTAL_TOO_LARGE', `no picture of ${codes.length} fits the total limit of ${totalMaxBytes} bytes`);
  }
  if (note !== undefined) deps.logger.info('pictures left out', { sent: codes.length, taken: taken.length, overBudget });
  return { pictures, note };
}

/** One shared allowance of bytes; taking never overdraws it, so the total read stays within it. */
export function createByteAllowance(totalBytes: number): ByteAllowance & { used(): number } {
  let used = 0;
  return {
    take(bytes) {
      if (used + bytes > totalBytes) return false;
      used += bytes;
      return true;
    },
    release(bytes) {
      used = Math.max(0, used - bytes);
    },
    used: () => used,
  };
}
