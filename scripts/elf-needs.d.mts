// Types for elf-needs.mjs, for the TypeScript test harness.
export declare const LINUX_FLOOR: { GLIBC: string; GLIBCXX: string; CXXABI: string; GCC: string };
export interface ElfNeeds {
  machine: string;
  needed: { file: string; versions: string[] }[];
  symbols: { name: string; version: string }[];
}
export declare function compareVersions(a: string, b: string): number;
export declare function readElfNeeds(file: string): ElfNeeds;
export declare function highestVersions(needs: ElfNeeds): Record<string, string>;
export declare function floorViolations(needs: ElfNeeds, floor?: Record<string, string>): string[];
