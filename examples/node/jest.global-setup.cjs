// Jest global setup: one ddbd for the whole run.
//
// Jest's contract (jestjs.io, configuration "globalSetup"): the module
// exports one function, sync or async, called once in Jest's parent process
// before any test file, with (globalConfig, projectConfig). Globals it sets
// can be read only by globalTeardown, never by tests; process.env it sets is
// inherited by the test workers Jest starts afterwards. So the endpoint goes
// to tests through AWS_ENDPOINT_URL_DYNAMODB, and the running server to
// jest.global-teardown.cjs through globalThis.
//
// jest.config.cjs:  globalSetup: "./jest.global-setup.cjs",
//                   globalTeardown: "./jest.global-teardown.cjs"
"use strict";

const { startDdbd, useDdbdEnvironment } = require("./ddbd.cjs");

module.exports = async function globalSetup(_globalConfig, _projectConfig) {
  const server = await startDdbd();
  useDdbdEnvironment(server.endpoint);
  globalThis.__DDBD__ = server;
};
