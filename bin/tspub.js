#!/usr/bin/env node
import '../dist/tspub.js';
