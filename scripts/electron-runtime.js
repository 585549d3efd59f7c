// Where the Electron runtime is, if it has been downloaded: `npm start` runs it, `npm run dist`
// packs it. Its binary comes from outside the npm registry on first use, so it may be missing.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The unpacked Electron folder and the binary in it, or null when not downloaded. */
export function electronRuntime() {
  try {
    const pkgDir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const dist = join(pkgDir, 'dist');
    const binary = join(dist, readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? { dist, binary } : null;
  } catch {
    return null;
  }
}
