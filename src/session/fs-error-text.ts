// Node's file-system errors in words, for every message about a path the user gave (--cafile,
// --capath, --cert, --key, --password-file, --key-passphrase-file, -f, --unix): "is a directory",
// not "EISDIR". One table, so every option says the same thing for the same cause.
import { statSync } from 'node:fs';

const WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a component of the path is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the file name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  ENXIO: 'no such device or address (a socket or a device, not a file)',
};

/** Why `path` could not be read, in words. `expect` is what the option names: a file or a directory. */
export function fsErrorText(err: unknown, expect: 'file' | 'directory' = 'file', path?: string): string {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code ?? '';
  if (code === 'ENOENT') return expect === 'directory' ? 'no such directory' : 'no such file';
  // readdir of a file says ENOTDIR too: tell "is not a directory" from a bad component
  if (code === 'ENOTDIR' && expect === 'directory' && path !== undefined && existsAsNonDirectory(path)) return 'is not a directory';
  const words = WORDS[code];
  if (words) return words;
  // any other errno: libuv's own words ("EXDEV: cross-device link not permitted, open 'x'")
  const m = /^[A-Z0-9_]+: ([^,]+)/.exec(e?.message ?? '');
  return m ? m[1]! : (e?.message ?? String(err));
}

function existsAsNonDirectory(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}
