#!/usr/bin/python3
"""spool_messenger: a socialrx Messenger plugin written in Python.

It hands each message to a gateway the way many council and NHS SMS and
letter gateways take work: as a line in a spool file that the gateway
picks up. Each line is one JSON object,

    {"receipt_id": "spool-…", "at": "2026-11-21T09:00:00.000000Z", "message": {…}}

the same line as the Go development messenger (plugins/devlog) writes, so
the host's tour and tests read either. A message is written once per
idempotency key, also across a restart of the plugin (the keys already in
the file are read at start), and a recipient who asked not to be contacted
is refused with forbidden (events are not contact).

A socialrx host starts it; in the host's config:

    "messenger": {"plugin": {"path": "/opt/socialrx/spool_messenger.py",
                             "sha256": "<sha256sum of this file>",
                             "args": ["--spool", "/var/spool/socialrx/messages.jsonl"]}}
"""

import sys

sys.dont_write_bytecode = True  # leave no __pycache__ beside the plugin

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import threading  # noqa: E402
import uuid  # noqa: E402

import socialrx_plugin as sp  # noqa: E402

ROLES = ("link_worker", "partner", "referrer", "person")
CHANNELS = ("email", "sms", "letter", "event")


def validate(m):
    """Returns the PluginError for every field of the message at fault, or None."""
    bad = []
    if not m.idempotency_key:
        bad.append(("/idempotency_key", "is required"))
    if not m.to.role:
        bad.append(("/to/role", "is required"))
    elif m.to.role not in ROLES:
        bad.append(("/to/role", "must be link_worker, partner, referrer or person"))
    if not m.channel:
        bad.append(("/channel", "is required"))
    elif m.channel not in CHANNELS:
        bad.append(("/channel", "must be email, sms, letter or event"))
    elif m.channel == "event":
        if not m.event:
            bad.append(("/event", "is required for an event"))
    elif not m.to.address:
        bad.append(("/to/address", f"is required for {m.channel}"))
    if m.data:
        try:
            json.loads(m.data)
        except ValueError:
            bad.append(("/data", "must be JSON"))
    return sp.invalid(bad)


def as_json(m):
    """The message as plugins.Message marshals it in Go (empty fields left out)."""
    to = {"role": m.to.role}
    for k in ("id", "name", "address"):
        if getattr(m.to, k):
            to[k] = getattr(m.to, k)
    if m.to.do_not_contact:
        to["do_not_contact"] = True
    out = {"idempotency_key": m.idempotency_key, "to": to, "channel": m.channel}
    for k in ("event", "subject", "body"):
        if getattr(m, k):
            out[k] = getattr(m, k)
    if m.data:
        out["data"] = json.loads(m.data)
    return out


def timestamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SpoolMessenger:
    """Appends messages to a spool file, once per idempotency key. Safe for
    the concurrent calls of the gRPC server's threads."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.sent = {}
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, mode=0o700, exist_ok=True)
        # Private to its owner whatever the umask: it holds names and addresses.
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        data = b""
        while chunk := os.read(self.fd, 1 << 20):
            data += chunk
        good = data.rfind(b"\n") + 1
        if good < len(data):
            os.ftruncate(self.fd, good)  # a line cut short by a crash
        for n, line in enumerate(data[:good].splitlines()):
            if not line.strip():
                continue
            try:
                e = json.loads(line)
                r = sp.Receipt(e["receipt_id"], datetime.datetime.strptime(e["at"], "%Y-%m-%dT%H:%M:%S.%fZ")
                               .replace(tzinfo=datetime.timezone.utc))
                self.sent.setdefault(e["message"]["idempotency_key"], r)
            except (ValueError, KeyError, TypeError) as err:
                raise SystemExit(f"spool_messenger: {path} line {n + 1} is not a spool entry: {err}")

    def send(self, m):
        err = validate(m)
        if err:
            raise err
        if m.to.do_not_contact and m.channel != "event":
            raise sp.PluginError("forbidden", f"{m.to.role} {m.to.id} asked not to be contacted")
        with self.lock:
            first = self.sent.get(m.idempotency_key)
            if first:
                return first._replace(duplicate=True)
            r = sp.Receipt("spool-" + str(uuid.uuid4()), datetime.datetime.now(datetime.timezone.utc))
            line = json.dumps({"receipt_id": r.id, "at": timestamp(r.at), "message": as_json(m)}) + "\n"
            try:
                os.write(self.fd, line.encode())
                os.fsync(self.fd)
            except OSError as e:
                raise sp.PluginError("unavailable", f"write the spool: {e}")
            self.sent[m.idempotency_key] = r
            return r

    def close(self):
        os.close(self.fd)


def main():
    p = argparse.ArgumentParser(description="socialrx Messenger plugin that writes messages to a spool file")
    p.add_argument("--spool", default="messages.jsonl", help="the spool file (JSON lines)")
    args = p.parse_args()
    sp.require_host()
    m = SpoolMessenger(args.spool)
    try:
        sp.serve(messenger=m)
    finally:
        m.close()


if __name__ == "__main__":
    main()
