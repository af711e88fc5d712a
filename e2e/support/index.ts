// Everything an e2e test needs to measure who hears whom.
export * from './audio-probe.js';
export * from './browser.js';
export * from './lk-test-page.js';
export * from './livekit.js';
export * from './tones.js';
export * from './axe.js';
export * from './keyboard.js';
