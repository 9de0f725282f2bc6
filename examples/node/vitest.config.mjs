// Vitest configuration of the example: the global setup that runs ddbd, and
// only the Vitest test file (tables.jest.test.cjs is Jest's).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./vitest.global-setup.mjs"],
    include: ["tables.test.mjs"],
  },
});
