/** A request the page should not have made (not a member of that chat, a body too large…): answered with `status`. */
export class PlaygroundInputError extends Error {
  constructor(
    readonly status: 400 | 404 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'PlaygroundInputError';
  }
}
