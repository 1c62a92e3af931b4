/** A picture the page sent, kept so the stand-in can serve it to the worker and the page can show it again. */
export interface Picture {
  body: Buffer;
  contentType: string;
}

const DATA_URL = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=\s]+)$/;

/** The bytes of a base64 data: URL of a picture type the worker can read (docs/dingtalk.md §6), else undefined. */
export function pictureOf(dataUrl: string): Picture | undefined {
  const match = DATA_URL.exec(dataUrl);
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  const body = Buffer.from(match[2], 'base64');
  return body.length === 0 ? undefined : { body, contentType: match[1] };
}

/** The last pictures sent, by download code, for GET /playground/api/pictures/<code>; older ones are dropped. */
export function createPictureShelf(capacity = 50) {
  const shelf = new Map<string, Picture>();
  return {
    put(code: string, picture: Picture): void {
      shelf.set(code, picture);
      for (const old of [...shelf.keys()].slice(0, Math.max(0, shelf.size - capacity))) shelf.delete(old);
    },
    get: (code: string): Picture | undefined => shelf.get(code),
  };
}
