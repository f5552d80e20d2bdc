#!/usr/bin/env python3
"""A webhook receiver for tests and the bench: answers 2xx to POST /hook/<anything>, counts bodies and events, drops a
repeated X-Brain-Delivery, optionally verifies signatures (--secret) and refuses everything while --down-until (Unix
seconds) has not passed. GET /count answers the counts as JSON.

    python3 scripts/webhook-receiver.py --port 18199 [--secret whsec_…] [--down-until 1767000000] [--log FILE]
"""
import argparse, hashlib, hmac, http.server, json, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, default=18199)
parser.add_argument("--secret", default="")
parser.add_argument("--down-until", type=float, default=0)
parser.add_argument("--log", default="")
args = parser.parse_args()
lock = threading.Lock()
state = {"bodies": 0, "events": 0, "duplicates": 0, "refused": 0, "badSignatures": 0, "warnings": {}}
seen = set()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with lock:
            out = {k: v for k, v in state.items() if k != "warnings"}
            out["distinctWarnings"] = len(state["warnings"])
            out["warningsReceivedTwice"] = sum(1 for n in state["warnings"].values() if n > 1)
        self.reply(200, json.dumps(out).encode())

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if time.time() < args.down_until:
            with lock:
                state["refused"] += 1
            return self.reply(503)
        if args.secret:
            ts = self.headers.get("X-Brain-Timestamp", "0")
            expected = "v1=" + hmac.new(args.secret.encode(), ts.encode() + b"." + raw, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, self.headers.get("X-Brain-Signature", "")) or abs(time.time() - int(ts)) > 300:
                with lock:
                    state["badSignatures"] += 1
                return self.reply(401)
        delivery = self.headers.get("X-Brain-Delivery", "")
        body = json.loads(raw)
        with lock:
            if delivery in seen:
                state["duplicates"] += 1
            else:
                seen.add(delivery)
                state["bodies"] += 1
                state["events"] += len(body["events"])
                for e in body["events"]:
                    w = (e.get("warning") or {}).get("id")
                    if w:
                        key = self.path + " " + w
                        state["warnings"][key] = state["warnings"].get(key, 0) + 1
            if args.log:
                with open(args.log, "a") as f:
                    f.write(json.dumps({"at": time.time(), "path": self.path, "delivery": delivery, "events": len(body["events"])}) + "\n")
        self.reply(200)

    def log_message(self, *a):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
