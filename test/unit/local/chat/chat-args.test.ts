import { CHAT_USAGE, parseChatArgs } from '../../../../local/chat/chat-args';

describe('parseChatArgs', () => {
  it.each([['--help'], ['-h'], ['--group', '--help']])('asks for the usage with %s', (...argv) => {
    // Act / Assess
    expect(parseChatArgs(argv)).toEqual({ kind: 'help' });
  });

  it('has a usage that lists every flag in Chinese and English', () => {
    // Assess
    for (const flag of ['--group', '--as', '--at-only', '--wechat', '--help']) expect(CHAT_USAGE).toContain(flag);
    expect(CHAT_USAGE).toMatch(/用法/);
    expect(CHAT_USAGE).toMatch(/usage/);
  });

  it.each([['--grup', 'hi'], ['-g'], ['--json']])('refuses the unknown flag in %j instead of sending it as the message', (...argv) => {
    // Act
    const command = parseChatArgs(argv);
    // Assess
    expect(command).toEqual({ kind: 'refused', reason: expect.stringContaining(`unknown option: ${argv[0]}`) });
  });

  it('sends the words as one 1:1 message from the default member', () => {
    // Act / Assess
    expect(parseChatArgs(['你好', '世界'])).toEqual({ kind: 'run', options: { text: '你好 世界', wechat: false, group: false, user: 'local-user', atOnly: false } });
  });

  it('sends a message starting with a dash when it follows --', () => {
    // Act / Assess
    expect(parseChatArgs(['--', '-1 是什么'])).toMatchObject({ kind: 'run', options: { text: '-1 是什么' } });
  });

  it('speaks as another member with --as, in the group with --group', () => {
    // Act / Assess
    expect(parseChatArgs(['--group', '--as', 'lisi', '大家好'])).toEqual({ kind: 'run', options: { text: '大家好', wechat: false, group: true, user: 'lisi', atOnly: false } });
    expect(parseChatArgs(['--as=wangwu', 'hi'])).toMatchObject({ kind: 'run', options: { user: 'wangwu', group: false } });
  });

  it.each([[['--as']], [['--as', '']], [['--as', '李 四']]])('refuses --as without a usable staff id: %j', (argv) => {
    // Act / Assess
    expect(parseChatArgs(argv)).toMatchObject({ kind: 'refused' });
  });

  it('makes --at-only an empty @-mention in the group', () => {
    // Act / Assess
    expect(parseChatArgs(['--at-only'])).toEqual({ kind: 'run', options: { text: '', wechat: false, group: true, user: 'local-user', atOnly: true } });
    expect(parseChatArgs(['--at-only', '--as', 'lisi'])).toMatchObject({ kind: 'run', options: { group: true, user: 'lisi', atOnly: true } });
  });

  it('refuses --at-only with a message, and groups over WeChat', () => {
    // Act / Assess
    expect(parseChatArgs(['--at-only', 'hi'])).toMatchObject({ kind: 'refused', reason: expect.stringContaining('--at-only') });
    expect(parseChatArgs(['--wechat', '--group', 'hi'])).toMatchObject({ kind: 'refused', reason: expect.stringContaining('--wechat') });
  });
});
