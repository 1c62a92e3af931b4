import { createThinkingIndicator, THINKING } from '../../../../local/chat/thinking';

describe('createThinkingIndicator', () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = [];
    return { written, isTTY, write: (text: string) => written.push(text) };
  };

  it('prints one plain line when the output is not a terminal', () => {
    // Arrange
    const output = stream(false);
    const indicator = createThinkingIndicator(output);
    // Act
    indicator.start();
    indicator.stop();
    // Assess
    expect(output.written).toEqual([`${THINKING}\n`]);
    expect(THINKING).toBe('思考中… / thinking…');
  });

  it('draws on one line of a terminal and clears it when the answer arrives', () => {
    // Arrange
    const output = stream(true);
    const indicator = createThinkingIndicator(output);
    // Act
    indicator.start();
    indicator.stop();
    indicator.stop();
    // Assess
    expect(output.written).toHaveLength(2);
    expect(output.written[0]).toMatch(new RegExp(`^\\r\\u001b\\[2K. ${THINKING}$`));
    expect(output.written[1]).toBe('\r\u001b[2K');
    expect(output.written.join('')).not.toContain('\n');
  });
});
