/// <reference types="node" preserve="true" />
// ESM entry of `servicehost/windows`: the CommonJS build's named exports, re-exported.
export * from './windows.js';
