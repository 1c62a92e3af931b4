import { link, mkdir, open, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';

/**
 * The file operations the file backend is built from, passed in so that tests can make any one of them fail
 * (a full disk, a quota) and check what the backend leaves behind.
 */
export interface BackendFileSystem {
  /** Creates the folder and its parents; an existing one is fine. */
  mkdir(path: string): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  /** Up to `length` bytes from `position`; fewer when the file ends first. */
  readAt(path: string, position: number, length: number): Promise<Buffer>;
  stat(path: string): Promise<{ size: number; mtime: Date }>;
  /** Creates or replaces a file with `data`. */
  writeFile(path: string, data: Buffer | string): Promise<void>;
  /** Writes `data` at `position` into an existing file and cuts the file right after it. */
  writeAt(path: string, data: Buffer, position: number): Promise<void>;
  truncate(path: string, length: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** A second name for an existing file (a hard link), which costs no copy of its bytes. */
  link(existing: string, newPath: string): Promise<void>;
  /** Removes a file; a missing one is fine. */
  remove(path: string): Promise<void>;
}

export function nodeFileSystem(): BackendFileSystem {
  return {
    mkdir: async (path) => {
      await mkdir(path, { recursive: true });
    },
    readFile: (path) => readFile(path),
    async readAt(path, position, length) {
      const handle = await open(path, 'r');
      try {
        const buffer = Buffer.alloc(length);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return buffer.subarray(0, filled);
      } finally {
        await handle.close();
      }
    },
    stat: (path) => stat(path),
    writeFile: (path, data) => writeFile(path, data),
    async writeAt(path, data, position) {
      const handle = await open(path, 'r+');
      try {
        let written = 0;
        while (written < data.length) {
          const { bytesWritten } = await handle.write(data, written, data.length - written, position + written);
          written += bytesWritten;
        }
        await handle.truncate(position + data.length);
      } finally {
        await handle.close();
      }
    },
    truncate: (path, length) => truncate(path, length),
    rename: (from, to) => rename(from, to),
    link: (existing, newPath) => link(existing, newPath),
    remove: (path) => rm(path, { force: true }),
  };
}
