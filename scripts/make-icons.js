// Writes the app icon electron-builder packs (build/icon.png, 512×512; it derives the macOS
// .icns and the Windows .ico from it), drawn by the same code as the tray icons. Run after
// `npm run build`: node scripts/make-icons.js
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { relayIconPng } from '../out/main/desktop/relay-icon.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(join(root, 'build', 'icon.png'), relayIconPng(512));
console.log('build/icon.png written');
