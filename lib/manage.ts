/// <reference types="node" preserve="true" />
// `servicehost/manage`: see lib/manage/index.ts.
export * from './manage/index';
