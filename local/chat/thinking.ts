/** Where the indicator goes: stderr, so that stdout holds only the conversation (and can be piped or saved). */
export interface IndicatorStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ThinkingIndicator {
  start(): void;
  /** Clears the animated line (a TTY) so the answer prints where it was; nothing to undo otherwise. */
  stop(): void;
}

export const THINKING = '思考中… / thinking…';
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\u001b[2K';

/**
 * Shown while the robot works on an answer: on a terminal a spinner redrawn on one line; anywhere else (a pipe, a
 * log file, CI) one plain line, since carriage returns and escape codes would only litter the output.
 */
export function createThinkingIndicator(stream: IndicatorStream, frameMs = 100): ThinkingIndicator {
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;
  return {
    start() {
      if (timer !== undefined) return;
      if (!stream.isTTY) {
        stream.write(`${THINKING}\n`);
        return;
      }
      const draw = (): void => void stream.write(`${CLEAR_LINE}${FRAMES[frame++ % FRAMES.length] ?? ''} ${THINKING}`);
      draw();
      timer = setInterval(draw, frameMs);
    },
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      stream.write(CLEAR_LINE);
    },
  };
}
