// Runs for every test file (vitest's setupFiles), so every file removes what it made.
import { afterAll } from 'vitest';
import { removeMadeTempFolders } from './helpers/temp-folders.js';

afterAll(removeMadeTempFolders);
