/// <reference types="node" preserve="true" />
// ESM entry of `servicehost/register` (`node --import servicehost/register`): the
// CommonJS module does the work, so that it shares its state with `require('servicehost')`.
import './register.js';
