import type { LaunchOptions } from 'playwright-core';

export const chromiumFlags: string[];
export const unusedFeatures: string[];
export function playwrightDisabledFeatures(): string[] | null;
export function chromiumLaunchOptions(executablePath: string): LaunchOptions;
