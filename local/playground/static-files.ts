import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/**
 * A file under `dir` named by a URL path, or false when there is none: the page's built files (dist/local/playground,
 * made by `npm run build`) and the CJK web font. Only known types, and never a path that leaves `dir`.
 */
export async function serveFile(response: ServerResponse, dir: string, relative: string): Promise<boolean> {
  const type = TYPES[extname(relative)];
  const path = normalize(join(dir, decodeURIComponent(relative)));
  if (type === undefined || !path.startsWith(`${normalize(dir)}${sep}`)) return false;
  try {
    const body = await readFile(path);
    // The built page changes with every build, the font never: only the font may be kept by the browser.
    const cache = type.startsWith('font/') ? 'public, max-age=86400' : 'no-cache';
    response.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': cache }).end(body);
    return true;
  } catch {
    return false;
  }
}
