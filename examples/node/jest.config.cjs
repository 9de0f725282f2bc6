// Jest configuration of the example: the global setup and teardown that run
// ddbd, and only the Jest test file (tables.test.mjs is Vitest's).
"use strict";

module.exports = {
  globalSetup: "./jest.global-setup.cjs",
  globalTeardown: "./jest.global-teardown.cjs",
  testEnvironment: "node",
  testMatch: ["<rootDir>/tables.jest.test.cjs"],
};
