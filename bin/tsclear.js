#!/usr/bin/env node
import '../dist/tsclear.js';
