// Types for api-report.mjs, for the TypeScript test harness.
export declare const API_ENTRIES: readonly string[];
export declare const UPDATE_HINT: string;
/** What is wrong with the public surface against etc/*.api.md; empty when it matches. */
export declare function runApiReports(options?: { update?: boolean }): string[];
