import { historyLimits, largestObjectRead } from '../../../../shared/history/history-limits';
import { MAX_CLAIM_BYTES } from '../../../../shared/history/message-claims';

describe('largestObjectRead', () => {
  it.each([
    { prefix: 'h/', tailBytes: 4096, maxBytes: 16 * 1024 },
    { prefix: 'h/', tailBytes: 64 * 1024, maxBytes: 1024 * 1024 },
    { prefix: 'h/', tailBytes: 4 * 1024 * 1024, maxBytes: 16 * 1024 * 1024 },
  ])('lets through every body the history asks OSS for (tail $tailBytes, max $maxBytes)', (settings) => {
    // Prepare: the reads, each with the byte past its limit that shows whether there is more
    const { rotation } = historyLimits(settings);
    const reads = {
      rotatedCopy: rotation.archiveMaxBytes + 1,
      copyLookedUpForAnEarlierReply: rotation.archiveMaxBytes + 1024 + 1,
      wholeObjectLookedUp: 2 * settings.maxBytes + 1,
      oversizedTail: 8 * settings.tailBytes + 1,
      claims: MAX_CLAIM_BYTES + 1,
    };

    // Act
    const limit = largestObjectRead(settings);

    // Assess
    for (const [read, bytes] of Object.entries(reads)) expect({ read, fits: bytes <= limit }).toEqual({ read, fits: true });
  });
});
