#!/usr/bin/env node
import '../dist/tssub.js';
