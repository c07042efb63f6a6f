"""Generates the reflection fixtures under src/test/resources/reflect from the Python reference.

Run with the reference's interpreter (vgi-rpc 0.52.2 installed):

    /tmp/v52/bin/python rpc-core/src/test/python/make_reflection_fixtures.py

It hosts the reference's conformance service with reflection enabled on an in-process pipe,
calls vgi_rpc.Reflection.v1 over that pipe exactly as a client would, and writes the bytes of
each reply's single `result` cell, plus a JSON summary of what the decoded replies must say and
the error an unknown protocol gets.
"""

import json
import pathlib
import threading

import pyarrow as pa
from pyarrow import ipc

import vgi_rpc
from vgi_rpc.conformance._impl import ConformanceServiceImpl
from vgi_rpc.conformance._protocol import ConformanceService
from vgi_rpc.metadata import PROTOCOL_KEY, REQUEST_VERSION, REQUEST_VERSION_KEY, RPC_METHOD_KEY
from vgi_rpc.rpc import RpcServer, _dispatch_log_or_error, _drain_stream
from vgi_rpc.rpc._reflection import MethodInfo, ProtocolList, ServiceDescription
from vgi_rpc.rpc._transport import make_pipe_pair
from vgi_rpc.utils import new_ipc_stream

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "reflect"
REFLECTION = "vgi_rpc.Reflection.v1"


def call(transport, method, schema, params):
    """Sends one reflection request; returns the result cell's bytes or the error raised."""
    md = pa.KeyValueMetadata(
        {RPC_METHOD_KEY: method.encode(), PROTOCOL_KEY: REFLECTION.encode(), REQUEST_VERSION_KEY: REQUEST_VERSION}
    )
    with new_ipc_stream(transport.writer, schema) as writer:
        writer.write_batch(pa.RecordBatch.from_pydict({k: [v] for k, v in params.items()}, schema=schema),
                           custom_metadata=md)
    reader = ipc.open_stream(transport.reader)
    try:
        while True:
            batch, cm = reader.read_next_batch_with_custom_metadata()
            if not _dispatch_log_or_error(batch, cm):
                break
        return batch.column("result")[0].as_py()
    finally:
        _drain_stream(reader)


def stream_bytes(schema, columns):
    """One-row IPC stream of the given columns, written the way the reference writes payloads."""
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, schema) as writer:
        writer.write_batch(pa.RecordBatch.from_pydict(columns, schema=schema))
    return sink.getvalue().to_pybytes()


def skewed_payloads():
    """Payloads from a hypothetical newer or older server, to exercise tolerant decoding."""
    method_fields = list(MethodInfo.ARROW_SCHEMA)
    echo = dict(name="echo", method_type="unary", has_return=True, has_header=False, stream_kind="",
                params_schema_ipc=pa.schema([pa.field("value", pa.string(), nullable=False)]).serialize().to_pybytes(),
                result_schema_ipc=pa.schema([pa.field("result", pa.string(), nullable=False)]).serialize().to_pybytes(),
                header_schema_ipc=b"", idempotency="no_side_effects", deprecated=True,
                deprecation_message="use echo2")
    # newer: extra members everywhere, and the top-level columns in reverse order
    newer_method = pa.struct(list(reversed(method_fields)) + [pa.field("future_member", pa.int32(), nullable=False)])
    newer_fields = list(reversed(list(ServiceDescription.ARROW_SCHEMA)))
    newer_fields = [pa.field("methods", pa.list_(newer_method), nullable=False) if f.name == "methods" else f
                    for f in newer_fields]
    newer_fields.insert(2, pa.field("documentation_url", pa.string(), nullable=False))
    newer = stream_bytes(pa.schema(newer_fields), {
        "protocol": ["demo.App.v1"], "protocol_version": ["2.1.0"], "protocol_hash": ["a" * 64],
        "deprecated": [False], "deprecation_message": [""], "features": [["streaming"]],
        "documentation_url": ["https://example.invalid"],
        "methods": [[dict(echo, future_member=7)]],
    })
    # older: methods without the three members that have defaults
    trimmed = [f for f in method_fields if f.name not in ("idempotency", "deprecated", "deprecation_message")]
    older_fields = [pa.field("methods", pa.list_(pa.struct(trimmed)), nullable=False) if f.name == "methods" else f
                    for f in ServiceDescription.ARROW_SCHEMA]
    older = stream_bytes(pa.schema(older_fields), {
        "protocol": ["demo.App.v1"], "protocol_version": [""], "protocol_hash": ["b" * 64],
        "deprecated": [False], "deprecation_message": [""], "features": [[]],
        "methods": [[{k: v for k, v in echo.items() if k not in ("idempotency", "deprecated", "deprecation_message")}]],
    })
    # a required field missing: the reference refuses this rather than zero-filling
    required_missing = stream_bytes(pa.schema([pa.field("protocol", pa.string(), nullable=False)]),
                                    {"protocol": ["demo.App.v1"]})
    for name, raw in (("describe_newer_server.arrows", newer), ("describe_older_server.arrows", older),
                      ("describe_missing_required.arrows", required_missing)):
        (OUT / name).write_bytes(raw)
    # the reference's own decoder agrees with what the Java tests assert
    assert ServiceDescription.deserialize_from_bytes(newer).methods[0].deprecation_message == "use echo2"
    # NB: the reference's decoder applies MethodInfo's defaults only when MethodInfo is decoded at the
    # top level; nested in ServiceDescription.methods the absent members come back as None. The spec
    # (WIRE_PROTOCOL.md section 14) says absent fields with defaults take them, which the Java decoder does.
    trimmed_top = stream_bytes(pa.schema(trimmed), {k: [v] for k, v in echo.items()
                                                    if k not in ("idempotency", "deprecated", "deprecation_message")})
    assert MethodInfo.deserialize_from_bytes(trimmed_top).idempotency == "unknown"
    try:
        ServiceDescription.deserialize_from_bytes(required_missing)
        raise SystemExit("the reference accepted a payload missing required fields")
    except ValueError:
        pass


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    server = RpcServer(ConformanceService, ConformanceServiceImpl(), enable_describe=True,
                       server_id="fixture-server", server_version="fixture-1.2.3")
    client, srv = make_pipe_pair()
    thread = threading.Thread(target=server.serve, args=(srv,), daemon=True)
    thread.start()
    describe_schema = pa.schema([pa.field("protocol", pa.string(), nullable=False)])
    listing = call(client, "list_protocols", pa.schema([]), {})
    conformance = call(client, "describe", describe_schema, {"protocol": "ConformanceService"})
    reflection = call(client, "describe", describe_schema, {"protocol": REFLECTION})
    try:
        call(client, "describe", describe_schema, {"protocol": "demo.Nope.v1"})
        raise SystemExit("describe of an unknown protocol did not fail")
    except vgi_rpc.RpcError as e:
        unknown = {"error_type": e.error_type, "error_message": e.error_message,
                   "error_kind": getattr(e, "error_kind", None), "code": str(getattr(e, "code", None))}
    client.close()
    thread.join(timeout=5)
    srv.close()

    skewed_payloads()
    (OUT / "list_protocols.arrows").write_bytes(listing)
    (OUT / "describe_conformance.arrows").write_bytes(conformance)
    (OUT / "describe_reflection.arrows").write_bytes(reflection)

    pl = ProtocolList.deserialize_from_bytes(listing)
    summary = {
        "list_protocols": {
            "server_id": pl.server_id, "server_version": pl.server_version,
            "request_version": pl.request_version,
            "protocols": [dict(protocol=p.protocol, protocol_version=p.protocol_version,
                               protocol_hash=p.protocol_hash, deprecated=p.deprecated,
                               deprecation_message=p.deprecation_message, features=p.features)
                          for p in pl.protocols],
        },
        "unknown_protocol_error": unknown,
    }
    for key, raw in (("describe_conformance", conformance), ("describe_reflection", reflection)):
        d = ServiceDescription.deserialize_from_bytes(raw)
        summary[key] = {
            "protocol": d.protocol, "protocol_version": d.protocol_version, "protocol_hash": d.protocol_hash,
            "deprecated": d.deprecated, "deprecation_message": d.deprecation_message, "features": d.features,
            "methods": [dict(name=m.name, method_type=m.method_type, has_return=m.has_return,
                             has_header=m.has_header, stream_kind=m.stream_kind, idempotency=m.idempotency,
                             deprecated=m.deprecated, deprecation_message=m.deprecation_message,
                             params=[f.name for f in ipc.read_schema(pa.py_buffer(m.params_schema_ipc))]
                             if m.params_schema_ipc else None,
                             result=[f.name for f in ipc.read_schema(pa.py_buffer(m.result_schema_ipc))]
                             if m.result_schema_ipc else None,
                             header=[f.name for f in ipc.read_schema(pa.py_buffer(m.header_schema_ipc))]
                             if m.header_schema_ipc else None)
                        for m in d.methods],
        }
    (OUT / "expected.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    print(json.dumps(summary["list_protocols"], indent=1))
    print(json.dumps(unknown, indent=1))


if __name__ == "__main__":
    main()
