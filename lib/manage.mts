/// <reference types="node" preserve="true" />
// ESM entry of `servicehost/manage`: the CommonJS build's named exports, re-exported.
export * from './manage.js';
