// `npm run completions`: writes completions/{bash,zsh,fish}/ for every tool from its option table.
// Re-run it after adding a tool or an option; test/completions.test.ts fails until the files match.
import { fileURLToPath } from 'node:url';
import { discoverTools } from './gen/tools.ts';
import { completionFiles } from './gen/completion-files.ts';
import { writeGenerated } from './gen/write-files.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
writeGenerated(root, 'completions', completionFiles(await discoverTools(root)));
