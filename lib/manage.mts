/// <reference types="node" preserve="true" />
/**
 * `servicehost/manage`, as an ES module: the same named exports as its CommonJS entry.
 *
 * @packageDocumentation
 */
// Types only: see lib/index.mts.
export * from './manage.js';
