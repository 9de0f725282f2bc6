"""Serves handler.handler on the Lambda Invoke API, so ddbd can deliver
stream records to it without Docker:

    python3 serve.py 9001   # then: ddbd --lambda-endpoint http://127.0.0.1:9001

POST /2015-03-31/functions/<name>/invocations runs the handler with the
request body as the event and answers its return value; an exception is
answered as Lambda reports a function error (X-Amz-Function-Error).
"""

import json
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import handler


class Invoke(BaseHTTPRequestHandler):
    def do_POST(self):
        event = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        try:
            body, error = handler.handler(event, None), None
        except Exception as e:
            traceback.print_exc()
            body, error = {"errorMessage": str(e), "errorType": type(e).__name__}, "Unhandled"
        data = json.dumps(body).encode()
        self.send_response(200)
        if error:
            self.send_header("X-Amz-Function-Error", error)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 9001), Invoke)
    print(f"invoke API on 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
