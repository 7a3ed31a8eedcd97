/// <reference types="node" preserve="true" />
/**
 * servicehost, as an ES module: the same named exports as `require('servicehost')`.
 *
 * @packageDocumentation
 */
// Types only: dist/index.mjs itself is written by scripts/esm-entries.mjs from the
// CommonJS build's exports, by name. `export *` re-exports lib/index.ts, whose
// own list is named, so the two entries cannot differ (etc/servicehost.api.md checks both).
export * from './index.js';
