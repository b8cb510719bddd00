#!/usr/bin/env python3
"""Measure how long `referflow lsp` takes to re-check a chart after each change.

    cargo build --release
    bench/lsp_recheck.py [--binary target/release/referflow] [--changes 200] [FILE.flow ...]

For each chart (default: every bundled example in examples/) the script starts the real binary,
opens the chart, then sends N `didChange` notifications, one at a time, each a small edit of one
label: a character typed, then deleted again, alternately. It measures the time from writing each
change to reading the `publishDiagnostics` notification for that version, and prints the median,
the 95th percentile and the worst. The same is done with whole-text changes (what a client that
only does full synchronisation sends). The target is a median and p95 under 20 ms.

The time is wall-clock time over the pipe, so it includes the JSON encoding on both sides, the
parse and check, and the conversion of every diagnostic.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Server:
    def __init__(self, binary):
        self.proc = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0

    def send(self, message):
        body = json.dumps(dict(message, jsonrpc="2.0")).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def receive(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                sys.exit("the server closed its output")
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def diagnostics(self, uri, version):
        """Waits for the diagnostics of `version`; returns how many there were."""
        while True:
            message = self.receive()
            params = message.get("params") or {}
            if (message.get("method") == "textDocument/publishDiagnostics"
                    and params.get("uri") == uri and params.get("version") == version):
                return len(params["diagnostics"])

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        code = self.proc.wait(timeout=10)
        if code != 0:
            sys.exit(f"the server exited with {code}")


def utf16_len(text):
    return len(text.encode("utf-16-le")) // 2


def measure(binary, path, changes, incremental):
    text = path.read_text(encoding="utf-8")
    uri = path.resolve().as_uri()
    server = Server(binary)
    server.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {}})
    server.notify("initialized", {})
    server.notify("textDocument/didOpen",
                  {"textDocument": {"uri": uri, "languageId": "referflow", "version": 1, "text": text}})
    server.diagnostics(uri, 1)

    # The edit: just inside the closing quote of the first stage label after the title.
    lines = text.split("\n")
    line = next(i for i, l in enumerate(lines) if l.lstrip().startswith(("step ", "start ")))
    character = utf16_len(lines[line][: lines[line].index('"', lines[line].index('"') + 1)])
    typed = "x"

    times = []
    current = text
    for n in range(changes):
        version = n + 2
        insert = n % 2 == 0
        at = {"line": line, "character": character}
        if insert:
            edit = {"range": {"start": at, "end": at}, "text": typed}
        else:
            after = {"line": line, "character": character + 1}
            edit = {"range": {"start": at, "end": after}, "text": ""}
        current_lines = current.split("\n")
        row = current_lines[line]
        cut = len(row.encode("utf-16-le")[: character * 2].decode("utf-16-le"))
        row = row[:cut] + typed + row[cut:] if insert else row[:cut] + row[cut + 1:]
        current_lines[line] = row
        current = "\n".join(current_lines)
        change = edit if incremental else {"text": current}
        started = time.perf_counter()
        server.notify("textDocument/didChange",
                      {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        server.diagnostics(uri, version)
        times.append((time.perf_counter() - started) * 1000)
    server.close()
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=str(ROOT / "target" / "release" / "referflow"))
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    if not Path(args.binary).exists():
        sys.exit(f"{args.binary} not found: run `cargo build --release` first, or pass --binary")
    files = args.files or sorted((ROOT / "examples").glob("*.flow"))
    worst_p95 = 0.0
    print(f"{'chart':<28} {'sync':<12} {'lines':>5} {'median':>8} {'p95':>8} {'max':>8}")
    for path in files:
        for incremental in (True, False):
            times = sorted(measure(args.binary, path, args.changes, incremental))
            median = statistics.median(times)
            p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
            worst_p95 = max(worst_p95, p95)
            lines = path.read_text(encoding="utf-8").count("\n")
            sync = "incremental" if incremental else "full"
            print(f"{path.name:<28} {sync:<12} {lines:>5} {median:>6.2f}ms {p95:>6.2f}ms {times[-1]:>6.2f}ms")
    verdict = "under" if worst_p95 < 20 else "OVER"
    print(f"worst p95 {worst_p95:.2f} ms: {verdict} the 20 ms target")
    return 0 if worst_p95 < 20 else 1


if __name__ == "__main__":
    sys.exit(main())
