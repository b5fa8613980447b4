# Nimbus Python runtime: the process that runs inside a Lambda execution environment for the
# python3.x runtimes. It works the way AWS's Python runtime does: import the "module.function" named
# by _HANDLER from LAMBDA_TASK_ROOT, then loop on the Runtime API's next event, sending each result
# as a response or an error, over Nimbus's runtime channel rather than HTTP. Standard library only.
#
# Started without _HANDLER it is a pre-started ("spare") runtime that asks Nimbus for its function
# configuration (a `claim`, a Nimbus-only request) before importing the handler.
import importlib
import json
import logging
import os
import socket
import struct
import sys
import time
import traceback

CHANNEL_FLAG = "--channel-fd="


class RuntimeClient:
    """The Runtime API over Nimbus's runtime channel (src/lambda/environments/runtime-channel.ts):
    frames of u32 head length, u32 body length (big-endian), head (JSON), body (bytes). Only
    `next`, `claim` and requests marked `reply` are answered, in order."""

    def __init__(self, fd):
        self.sock = socket.socket(fileno=fd)
        self.outbox = []  # unanswered requests leave with the next answered one: one write

    def request(self, head, body=b"", answered=False):
        if answered and head["op"] not in ("next", "claim"):
            head = dict(head, reply=True)
        head_bytes = json.dumps(head).encode()
        self.outbox += [struct.pack(">II", len(head_bytes), len(body)), head_bytes, body]
        if not answered:
            return None
        frames, self.outbox = self.outbox, []
        self.sock.sendall(b"".join(frames))
        head_length, body_length = struct.unpack(">II", self._read(8))
        answer = json.loads(self._read(head_length))
        return answer["status"], answer["headers"], self._read(body_length)

    def _read(self, n):
        view = bytearray(n)
        got = 0
        while got < n:
            count = self.sock.recv_into(memoryview(view)[got:])
            if count == 0:
                raise ConnectionError("Runtime API channel closed")
            got += count
        return bytes(view)


def channel_fd():
    for i, arg in enumerate(sys.argv):
        if arg.startswith(CHANNEL_FLAG):
            del sys.argv[i]  # the function sees the argv AWS's runtime has
            return int(arg[len(CHANNEL_FLAG):])
    sys.stderr.write("Nimbus runtime: no --channel-fd given\n")
    sys.exit(1)


class FaultError(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type
        self.message = message


def error_response(exc, request_id=None, tb=None):
    if isinstance(exc, FaultError):
        out = {"errorMessage": exc.message, "errorType": exc.error_type}
        if request_id:
            out["requestId"] = request_id
        out["stackTrace"] = []
        return out
    tb = tb if tb is not None else exc.__traceback__
    out = {"errorMessage": str(exc), "errorType": type(exc).__name__}
    if request_id is not None:
        out["requestId"] = request_id
    frames = traceback.extract_tb(tb) if tb else []
    # Like AWS's runtime, the trace starts at the function's code: drop this bootstrap's frames.
    while frames and frames[0].filename == __file__:
        frames = frames[1:]
    out["stackTrace"] = traceback.format_list(frames)
    return out


class LambdaContext:
    def __init__(self, headers, deadline_ms):
        env = os.environ
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = headers.get("lambda-runtime-invoked-function-arn")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.aws_request_id = headers.get("lambda-runtime-aws-request-id")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = _parse(headers.get("lambda-runtime-client-context"))
        self.identity = _parse(headers.get("lambda-runtime-cognito-identity"))
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _parse(text):
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


class TraceVariable:
    """_X_AMZN_TRACE_ID, which Lambda sets for each invocation. Setting it through os.environ
    (setenv) would keep every value ever set in glibc's memory for good, ~140 bytes an invocation:
    a 128 MB function's memory after about a million. Instead one buffer is placed in the C
    environment and rewritten in place, and os.environ's own copy is updated without another
    setenv: the function and the processes it spawns see the variable as if it were set."""

    NAME = "_X_AMZN_TRACE_ID"
    CAPACITY = 1024  # longer values (a caller's own trace header) take the ordinary path

    def __init__(self):
        self.buffer = None
        try:
            import ctypes

            self.libc = ctypes.CDLL(None)
            self.libc.getenv.restype = ctypes.c_void_p
            self.libc.getenv.argtypes = [ctypes.c_char_p]
            self.libc.putenv.argtypes = [ctypes.c_char_p]
            self.buffer = ctypes.create_string_buffer(len(self.NAME) + 2 + self.CAPACITY)
            self.value_address = ctypes.addressof(self.buffer) + len(self.NAME) + 1
            self.encode = os.environ.encodekey, os.environ.encodevalue
            os.environ._data  # noqa: B018 - CPython's mapping behind os.environ; required below
        except Exception:  # noqa: BLE001 - no ctypes or another os.environ: the ordinary path
            self.buffer = None

    def set(self, value):
        encoded = value.encode() if value else b""
        if not value or self.buffer is None or len(encoded) > self.CAPACITY:
            if value:
                os.environ[self.NAME] = value
            else:
                os.environ.pop(self.NAME, None)
            return
        self.buffer.value = self.NAME.encode() + b"=" + encoded
        # Placed once; again only if something replaced or removed the variable since.
        if self.libc.getenv(self.NAME.encode()) != self.value_address:
            self.libc.putenv(self.buffer)
        encode_key, encode_value = self.encode
        os.environ._data[encode_key(self.NAME)] = encode_value(value)


class _RequestIdFilter(logging.Filter):
    request_id = None

    def filter(self, record):
        record.aws_request_id = _RequestIdFilter.request_id
        return True


class _JsonFormatter(logging.Formatter):
    """One JSON object per record, with the fields AWS's Python runtime writes for LogFormat JSON;
    attributes passed through `extra=` become fields too."""

    STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "aws_request_id"}

    def format(self, record):
        level = min(50, max(0, record.levelno)) // 10 * 10
        entry = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + ".%03dZ" % record.msecs,
            "level": logging.getLevelName(level),
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": getattr(record, "aws_request_id", None),
        }
        if record.exc_info:
            entry["stackTrace"] = traceback.format_tb(record.exc_info[2])
            entry["errorType"] = record.exc_info[0].__name__
            entry["errorMessage"] = str(record.exc_info[1])
            entry["location"] = "%s:%s:%d" % (record.pathname, record.funcName, record.lineno)
        for key, value in vars(record).items():
            if key not in self.STANDARD and key not in entry:
                entry[key] = value
        return json.dumps({k: v for k, v in entry.items() if v is not None}, ensure_ascii=False, default=str)


def json_logs():
    return os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"


def setup_logging():
    # The root logger as AWS's Python runtime sets it: text lines at WARNING, or with the JSON log
    # format JSON objects at AWS_LAMBDA_LOG_LEVEL (TRACE is DEBUG in Python).
    handler = logging.StreamHandler(sys.stdout)
    root = logging.getLogger()
    if json_logs():
        handler.setFormatter(_JsonFormatter())
        level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO").upper()
        level = {"TRACE": "DEBUG", "FATAL": "CRITICAL"}.get(level, level)
        root.setLevel(getattr(logging, level, logging.INFO))
    else:
        formatter = logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
        )
        formatter.converter = time.gmtime
        handler.setFormatter(formatter)
        root.setLevel(logging.WARNING)
    handler.addFilter(_RequestIdFilter())
    root.handlers = [handler]


def log_error(response):
    if json_logs():
        # As AWS's runtime logs it with the JSON format: the error response's fields in one object.
        entry = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "log_level": "ERROR", **response}
        print(json.dumps(entry), flush=True)
        return
    # One log event, as AWS prints it: "[ERROR] Type: message" then the traceback (\r-joined).
    text = "[ERROR] %s: %s" % (response["errorType"], response["errorMessage"])
    if response["stackTrace"]:
        text += "\nTraceback (most recent call last):\n" + "".join(response["stackTrace"])
    print(text.rstrip("\n").replace("\n", "\r"), flush=True)


def load_handler(task_root, handler_name):
    try:
        module_name, function_name = handler_name.rsplit(".", 1)
    except ValueError as exc:
        raise FaultError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler_name, exc))
    module_name = module_name.replace("/", ".")
    if module_name.startswith("."):
        raise FaultError("Runtime.MalformedHandlerName", "Bad handler '%s'" % handler_name)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise FaultError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, exc))
    except SyntaxError as exc:
        raise FaultError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, exc))
    handler = getattr(module, function_name, None)
    if handler is None:
        raise FaultError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return handler


def claim_configuration(client):
    status, _, body = client.request({"op": "claim"}, answered=True)
    if status != 200:
        raise RuntimeError("claim answered %d" % status)
    config = json.loads(body)
    os.environ.update(config["environment"])
    os.chdir(config["cwd"])
    # PYTHONPATH is read when the interpreter starts, before this spare knew its function: put the
    # function's entries (its layers' python folders) where the interpreter would have, after
    # this script's own folder.
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p not in sys.path]
    sys.path[1:1] = extra


def main():
    client = RuntimeClient(channel_fd())
    if not os.environ.get("_HANDLER"):
        claim_configuration(client)
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    # Import order as on AWS: the task root first, then the runtime's own directory.
    sys.path.insert(0, task_root)
    setup_logging()

    try:
        handler = load_handler(task_root, os.environ.get("_HANDLER", ""))
    except Exception as exc:  # noqa: BLE001 - every init failure is reported to the Runtime API
        response = error_response(exc)
        body = json.dumps(response)
        log_error(response)
        client.request({"op": "init-error", "errorType": response["errorType"]}, body.encode(), answered=True)
        sys.exit(1)

    trace = TraceVariable()
    while True:
        status, headers, body = client.request({"op": "next"}, answered=True)
        if status != 200:
            raise RuntimeError("Runtime API next answered %d" % status)
        request_id = headers.get("lambda-runtime-aws-request-id")
        deadline = int(headers.get("lambda-runtime-deadline-ms") or "0")
        trace.set(headers.get("lambda-runtime-trace-id"))
        _RequestIdFilter.request_id = request_id
        context = LambdaContext(headers, deadline)
        try:
            event = json.loads(body) if body else {}
            result = handler(event, context)
            try:
                # Bytes are the response body as they are (AWS's Python runtime does the same:
                # recorded in test_lambda_task_service::test_invoke_bytes_payload).
                payload = bytes(result) if isinstance(result, (bytes, bytearray)) else json.dumps(result).encode()
            except (TypeError, ValueError) as exc:
                raise FaultError("Runtime.MarshalError", "Unable to marshal response: %s" % exc)
        except Exception as exc:  # noqa: BLE001 - handler failures are reported, never fatal
            response = error_response(exc, request_id)
            log_error(response)
            error = {"op": "error", "requestId": request_id, "errorType": response["errorType"]}
            client.request(error, json.dumps(response).encode(), answered=True)
            continue
        client.request({"op": "response", "requestId": request_id}, payload)


if __name__ == "__main__":
    main()
