#!/usr/bin/env node
// CommonJS shim: start-up without the ESM loader (see scripts/build.mjs).
require('../dist/tspub.cjs');
