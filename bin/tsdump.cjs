#!/usr/bin/env node
require('./load.cjs')('tsdump');
