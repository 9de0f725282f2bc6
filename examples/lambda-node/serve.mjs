// Serves handler.mjs on the Lambda Invoke API, so ddbd can deliver stream
// records to it without Docker:
//   node serve.mjs 9002   # then: ddbd --lambda-endpoint http://127.0.0.1:9002
// POST /2015-03-31/functions/<name>/invocations runs the handler with the
// body as the event; a thrown error is answered as Lambda reports a function
// error (X-Amz-Function-Error).
import http from "node:http";
import { handler } from "./handler.mjs";

const server = http.createServer(async (req, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  let out, error;
  try {
    out = await handler(JSON.parse(body), {});
  } catch (e) {
    console.error(e);
    out = { errorMessage: String(e.message), errorType: e.name };
    error = "Unhandled";
  }
  const data = JSON.stringify(out ?? null);
  res.writeHead(200, { "Content-Type": "application/json", ...(error ? { "X-Amz-Function-Error": error } : {}) });
  res.end(data);
});
server.listen(Number(process.argv[2] || 9002), "127.0.0.1", () => {
  console.log(`invoke API on 127.0.0.1:${server.address().port}`);
});
