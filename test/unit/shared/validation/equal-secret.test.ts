import { equalSecret } from '../../../../shared/validation/equal-secret';

describe('equalSecret', () => {
  it('accepts exactly the expected secret', () => {
    // Act
    const same = equalSecret('Bearer-secret-0123', 'Bearer-secret-0123');
    // Assess
    expect(same).toBe(true);
  });

  it.each([
    ['one character off at the end', 'Bearer-secret-0124'],
    ['a prefix of it', 'Bearer-secret-012'],
    ['it with more after it', 'Bearer-secret-01234'],
    ['another case', 'bearer-secret-0123'],
    ['nothing', ''],
  ])('refuses %s', (_, received) => {
    // Act
    const same = equalSecret('Bearer-secret-0123', received);
    // Assess
    expect(same).toBe(false);
  });
});
