"""Serve a socialrx plugin written in Python: the go-plugin side of it.

A socialrx host starts a plugin as a child process with HashiCorp go-plugin
and talks to it over gRPC. This module does what plugins.Serve does for a Go
plugin, so that a plugin author writes only the adapter:

    import socialrx_plugin as sp

    class Messenger:
        def send(self, message):          # a socialrx.plugin.v1.Message
            ...
            return sp.Receipt(id="gw-123", at=datetime.now(timezone.utc))

    sp.serve(messenger=Messenger())

serve() checks the magic cookie, listens on a Unix socket, answers the
handshake line on standard output (with its own certificate when the host
asks for AutoMTLS), serves the Plugin and Messenger services with the gRPC
health service and go-plugin's controller and stdio services beside them,
and returns once the host stops the plugin or is gone.

An adapter fails a call by raising PluginError with a socialrx error code
(invalid with the fields at fault as JSON pointers, forbidden, unavailable,
...): the error goes back as a gRPC status whose details hold a
socialrx.plugin.v1.Error, so that the host sees the same code and fields a
Go plugin would send. Any other exception is sent as internal.

Only the Python standard library, python3-grpcio, python3-protobuf and
python3-cryptography (for the AutoMTLS certificate) are used.
"""

import base64
import collections
import datetime
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from concurrent import futures

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen"))

import grpc  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: E402
from google.protobuf import any_pb2  # noqa: E402
from google.rpc import status_pb2  # noqa: E402
from go_plugin import grpc_controller_pb2, grpc_controller_pb2_grpc  # noqa: E402
from go_plugin import grpc_stdio_pb2_grpc  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from socialrx.plugin.v1 import plugin_pb2, plugin_pb2_grpc  # noqa: E402

# The go-plugin handshake of socialrx (plugins.MagicCookieKey,
# plugins.MagicCookieValue and plugins.ProtocolVersion in Go).
MAGIC_COOKIE_KEY = "SOCIALRX_PLUGIN"
MAGIC_COOKIE_VALUE = "socialrx-plugin-7f3b9c2e"
PROTOCOL_VERSION = 1
# go-plugin's own version of its handshake line.
CORE_PROTOCOL_VERSION = 1
# The service name whose health go-plugin checks.
HEALTH_SERVICE = "plugin"
# The largest message sent or received (plugins.DefaultMaxMessageBytes).
MAX_MESSAGE_BYTES = 4 << 20
# How often the plugin checks that its host is still there, in seconds.
HOST_CHECK_EVERY = 0.5

# The socialrx error codes and the gRPC code each is sent with (the table
# grpcCodes in plugins/grpc_errors.go).
GRPC_CODES = {
    "invalid": grpc.StatusCode.INVALID_ARGUMENT,
    "not_found": grpc.StatusCode.NOT_FOUND,
    "conflict": grpc.StatusCode.ABORTED,
    "forbidden": grpc.StatusCode.PERMISSION_DENIED,
    "unavailable": grpc.StatusCode.UNAVAILABLE,
    "internal": grpc.StatusCode.INTERNAL,
}

log = logging.getLogger("socialrx_plugin")


class PluginError(Exception):
    """A socialrx error: a code from GRPC_CODES, a message, and for invalid
    the fields at fault as (JSON pointer, rule) pairs."""

    def __init__(self, code, message="", fields=()):
        if code not in GRPC_CODES:
            raise ValueError(f"unknown socialrx error code {code!r}")
        self.code, self.message, self.fields = code, message, list(fields)
        super().__init__(str(self))

    def __str__(self):
        # The text of socialrx.Error.Error() in Go.
        s = self.code
        if self.message:
            s += ": " + self.message
        if self.fields:
            s += " (" + "; ".join(f"{p or '/'}: {r}" for p, r in self.fields) + ")"
        return s


def invalid(fields):
    """Returns PluginError invalid for a list of (JSON pointer, rule), or None
    when the list is empty."""
    return PluginError("invalid", fields=fields) if fields else None


# Receipt is what Messenger.send returns: the provider's reference, when the
# message was accepted (an aware datetime), and whether the idempotency key
# had been sent before (this is then the first receipt).
Receipt = collections.namedtuple("Receipt", ("id", "at", "duplicate"), defaults=(False,))


class _Status(collections.namedtuple("_Status", ("code", "details", "trailing_metadata")), grpc.Status):
    pass


def _abort(context, err):
    """Ends the call with err as a gRPC status carrying a socialrx.plugin.v1.Error."""
    detail = plugin_pb2.Error(code=err.code, message=err.message,
                              fields=[plugin_pb2.FieldError(path=p, rule=r) for p, r in err.fields])
    packed = any_pb2.Any()
    packed.Pack(detail)
    code = GRPC_CODES[err.code]
    st = status_pb2.Status(code=code.value[0], message=str(err), details=[packed])
    context.abort_with_status(_Status(code, str(err), (("grpc-status-details-bin", st.SerializeToString()),)))


def _call(context, fn):
    """Runs fn, turning its errors into statuses the host understands."""
    try:
        return fn()
    except PluginError as e:
        _abort(context, e)
    except Exception as e:  # an adapter's bug: internal, as in Go
        log.exception("call failed")
        _abort(context, PluginError("internal", f"{type(e).__name__}: {e}"))


class _Describe(plugin_pb2_grpc.PluginServicer):
    def __init__(self, contracts):
        self.contracts = contracts

    def Describe(self, request, context):
        return plugin_pb2.DescribeResponse(contracts=self.contracts)


class _Messenger(plugin_pb2_grpc.MessengerServicer):
    def __init__(self, messenger):
        self.messenger = messenger

    def Send(self, request, context):
        def send():
            r = self.messenger.send(request.message)
            receipt = plugin_pb2.Receipt(id=r.id, duplicate=r.duplicate)
            receipt.at.FromDatetime(r.at.astimezone(datetime.timezone.utc).replace(tzinfo=None))
            return plugin_pb2.SendResponse(receipt=receipt)
        return _call(context, send)


class _Health(health_pb2_grpc.HealthServicer):
    def Check(self, request, context):
        if request.service not in ("", HEALTH_SERVICE):
            context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {request.service!r}")
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)


class _Controller(grpc_controller_pb2_grpc.GRPCControllerServicer):
    """go-plugin's controller: the host calls Shutdown to stop the plugin."""

    def __init__(self, stop):
        self.stop = stop

    def Shutdown(self, request, context):
        log.info("the host asked the plugin to stop")
        self.stop.set()
        return grpc_controller_pb2.Empty()


class _Stdio(grpc_stdio_pb2_grpc.GRPCStdioServicer):
    """go-plugin's stdio service. This plugin writes nothing to standard
    output after the handshake and logs to standard error, which go-plugin
    reads directly; so the stream ends at once (the host then stops reading
    it, rather than warning that the service is missing)."""

    def StreamStdio(self, request, context):
        return iter(())


class _HCLogFormatter(logging.Formatter):
    """Formats log records as the JSON lines of hclog, which go-plugin parses
    from a plugin's standard error into the host's log with their level."""

    LEVELS = {"DEBUG": "debug", "INFO": "info", "WARNING": "warn", "ERROR": "error", "CRITICAL": "error"}

    def format(self, record):
        t = datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc)
        entry = {"@level": self.LEVELS.get(record.levelname, "info"), "@message": record.getMessage(),
                 "@module": record.name, "@timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def _certificate():
    """Makes the plugin's one-time self-signed certificate for AutoMTLS, as
    go-plugin's generateCert does: for "localhost", usable as server and
    client, and its own CA. Returns (cert PEM, key PEM, cert DER)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "socialrx plugin")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(seconds=30))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True, key_agreement=True,
                                         key_cert_sign=True, content_commitment=False, data_encipherment=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem, cert.public_bytes(serialization.Encoding.DER)


def require_host():
    """Exits with status 1, saying why, unless a socialrx host started this
    process (the magic cookie is in the environment). Call it before
    opening files or connections; serve() calls it too."""
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write("This program is a socialrx plugin. It is started by a socialrx host "
                         "(socialrx serve), not by hand: name it in the host's config file.\n")
        sys.exit(1)


def serve(messenger, workers=16):
    """Serves messenger (an object with send(message) -> Receipt) as a
    socialrx plugin and returns when the host stops the plugin (go-plugin's
    Shutdown, SIGTERM) or is gone (this process's parent changed). Run by
    hand rather than by a host, it says that it is a plugin and exits with
    status 1."""
    require_host()
    host = os.getppid()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_HCLogFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    # The host handles Ctrl-C and stops its plugins itself, as go-plugin's
    # Go plugins ignore SIGINT.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    options = [("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
               ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers), options=options)
    plugin_pb2_grpc.add_PluginServicer_to_server(_Describe(["messenger"]), server)
    plugin_pb2_grpc.add_MessengerServicer_to_server(_Messenger(messenger), server)
    health_pb2_grpc.add_HealthServicer_to_server(_Health(), server)
    grpc_controller_pb2_grpc.add_GRPCControllerServicer_to_server(_Controller(stop), server)
    grpc_stdio_pb2_grpc.add_GRPCStdioServicer_to_server(_Stdio(), server)

    sockdir = tempfile.mkdtemp(prefix="socialrx-plugin-", dir=os.environ.get("PLUGIN_UNIX_SOCKET_DIR") or None)
    try:
        socket = os.path.join(sockdir, "plugin.sock")
        # AutoMTLS: the host puts its certificate in PLUGIN_CLIENT_CERT and
        # trusts only the certificate the handshake line sends back; the
        # plugin accepts only connections with the host's certificate.
        client_cert, server_cert = os.environ.get("PLUGIN_CLIENT_CERT", ""), ""
        if client_cert:
            cert_pem, key_pem, cert_der = _certificate()
            creds = grpc.ssl_server_credentials([(key_pem, cert_pem)], root_certificates=client_cert.encode(),
                                                require_client_auth=True)
            server.add_secure_port("unix:" + socket, creds)
            # The DER certificate in base64 without padding, as Go's
            # base64.RawStdEncoding, since the line cannot hold a PEM.
            server_cert = base64.b64encode(cert_der).decode().rstrip("=")
        else:
            server.add_insecure_port("unix:" + socket)
        server.start()
        # The handshake line: go-plugin's version, the application's
        # protocol version, where to connect, the protocol and the
        # certificate. A host that speaks another protocol version refuses it.
        print(f"{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|unix|{socket}|grpc|{server_cert}", flush=True)
        log.info("plugin started")
        while not stop.wait(HOST_CHECK_EVERY):
            if os.getppid() != host:
                log.warning("the host that started this plugin is gone; stopping")
                break
        server.stop(grace=2).wait()
    finally:
        shutil.rmtree(sockdir, ignore_errors=True)
