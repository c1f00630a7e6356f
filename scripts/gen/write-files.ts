// Writes generated files under the project root, and removes stale ones from the folders it owns
// (a tool that is gone leaves no completion or man page behind).
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

export function writeGenerated(root: string, folder: string, files: Map<string, string>): void {
  for (const old of listFiles(join(root, folder))) if (!files.has(relative(root, old))) rmSync(old);
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  console.log(`${folder}/: ${files.size} files`);
}
