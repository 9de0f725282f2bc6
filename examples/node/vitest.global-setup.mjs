// Vitest global setup: one ddbd for the whole run.
//
// Vitest's contract (vitest.dev/config/globalsetup): the module's setup()
// runs once in Vitest's main process before any test worker exists and gets
// the test project; teardown() runs after the last test file. Workers see
// neither this module's variables nor its globals, but they are started
// after setup() and inherit process.env, which useDdbdEnvironment() fills;
// the endpoint is also handed over with project.provide(), for tests that
// prefer inject("ddbdEndpoint").
//
// vitest.config.mjs:  test: { globalSetup: ["./vitest.global-setup.mjs"] }
import ddbd from "./ddbd.cjs";

let server;

export async function setup(project) {
  server = await ddbd.startDdbd();
  ddbd.useDdbdEnvironment(server.endpoint);
  project?.provide?.("ddbdEndpoint", server.endpoint);
}

export async function teardown() {
  await server?.stop();
}
