/// <reference types="node" preserve="true" />
// ESM entry of `servicehost/register` (`node --import servicehost/register`): the
// CommonJS module does the work, so that it shares its state with `require('servicehost')`.
// (No doc comment here: tsc drops lib/register.ts's from dist/register.d.ts, and
// etc/servicehost-register.api.md checks that both declarations say the same.)
import './register.js';
