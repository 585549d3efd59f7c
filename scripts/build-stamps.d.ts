export interface Build {
  name: string;
  output: string;
  sources: string[];
}
export const builds: Build[];
export function buildOnChange(root: string, build: Build, make: () => void): void;
export function recordBuilt(root: string, build: Build): void;
