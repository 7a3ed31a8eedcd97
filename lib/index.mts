/// <reference types="node" preserve="true" />
// ESM entry: the CommonJS build's named exports, re-exported.
export * from './index.js';
