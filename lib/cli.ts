#!/usr/bin/env node
// The `servicehost` command (package.json "bin"): everything is in cli/.
import { runFromProcess } from './cli/main';

runFromProcess();
