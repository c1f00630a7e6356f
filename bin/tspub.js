#!/usr/bin/env -S node --max-semi-space-size=4
// A 4 MB young generation keeps peak RSS of a million-line pipe near 67 MB instead of ~87 MB, at no measured cost.
import '../dist/tspub.js';
