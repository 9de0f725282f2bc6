// Jest global teardown: stops the ddbd that jest.global-setup.cjs started
// (Jest calls the exported function once, after the last test file, in the
// process where globalSetup ran, so globalThis.__DDBD__ is there).
"use strict";

module.exports = async function globalTeardown(_globalConfig, _projectConfig) {
  await globalThis.__DDBD__?.stop();
  delete globalThis.__DDBD__;
};
