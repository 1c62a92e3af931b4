import { createCardGate } from '../../../../shared/cards/card-gate';

describe('createCardGate', () => {
  function setup(cooldownMs = 60_000) {
    let clock = 1_000_000;
    const gate = createCardGate({ now: () => clock, cooldownMs });
    return { gate, advance: (ms: number) => (clock += ms) };
  }

  it('is open until a card call fails', () => {
    // Prepare
    const { gate, advance } = setup();
    // Act
    const atStart = gate.isOpen();
    advance(10 * 60_000);
    // Assess
    expect(atStart).toBe(true);
    expect(gate.isOpen()).toBe(true);
  });

  it('stays closed for the whole cool-down after a failure, then opens again', () => {
    // Prepare
    const { gate, advance } = setup(60_000);
    // Act
    gate.trip();
    const rightAfter = gate.isOpen();
    advance(59_999);
    const justBefore = gate.isOpen();
    advance(1);
    const atTheEnd = gate.isOpen();
    // Assess
    expect([rightAfter, justBefore, atTheEnd]).toEqual([false, false, true]);
  });

  it('restarts the cool-down when a card fails again', () => {
    // Prepare
    const { gate, advance } = setup(60_000);
    gate.trip();
    advance(30_000);
    // Act
    gate.trip();
    advance(40_000);
    // Assess: 70 s after the first failure, but only 40 s after the second
    expect(gate.isOpen()).toBe(false);
  });
});
