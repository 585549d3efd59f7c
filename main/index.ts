// The Electron entry. V8's heap flags are set before anything else is even
// compiled (see heap-flags.js); the app itself is desktop/electron-main.ts.
import './core/load/heap-flags.js';

await import('./desktop/electron-main.js');
