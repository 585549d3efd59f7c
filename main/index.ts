// The Electron entry. The young generation's limit is set before anything else is even
// compiled (see young-generation.ts); the app itself is desktop/electron-main.ts.
import './core/load/young-generation.js';

await import('./desktop/electron-main.js');
