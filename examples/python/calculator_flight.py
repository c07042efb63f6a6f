"""Calls the calculator over Arrow Flight with nothing but pyarrow.

Start the server first (``./examples/run.sh serve-flight``), then run
``python examples/python/calculator_flight.py [grpc://localhost:8815]``. Prints what
``examples/python/expected-output.txt`` holds.
"""
import sys

# readme:begin pyarrow
import json

import pyarrow as pa
import pyarrow.flight as flight


def call_calculator(client):
    for info in sorted(client.list_flights(), key=lambda i: i.descriptor.path):  # one flight per method
        kind = json.loads(info.app_metadata)["kind"]
        print("flight", "/".join(p.decode() for p in info.descriptor.path), kind, info.schema.names)

    # a unary method is an action: the body is JSON parameters (or the request as an Arrow IPC stream)
    action = flight.Action("Calculator/add", json.dumps({"a": 1, "b": 2}).encode())
    result = next(client.do_action(action))
    print("add(1, 2) =", pa.ipc.open_stream(result.body).read_all().column("result")[0].as_py())

    # a producer stream is a DoGet: the ticket names the method and its parameters
    ticket = flight.Ticket(json.dumps({"method": "ticks", "params": {"count": 5}}).encode())
    for row in client.do_get(ticket).read_all().to_pylist():
        print("tick", row["index"], "square", row["square"])
# readme:end pyarrow


# readme:begin pyarrow-exchange
def scale_batches(client):
    # an exchange stream is a DoExchange: one batch written, one batch read, on one stream
    schema = pa.schema([("value", pa.float64())])
    command = json.dumps({"method": "scale", "params": {"factor": 2.0}}).encode()
    writer, reader = client.do_exchange(flight.FlightDescriptor.for_command(command))
    writer.begin(schema)
    for values in ([1.0, 2.0], [3.5]):
        writer.write_batch(pa.record_batch([pa.array(values)], schema=schema))
        print("exchange", reader.read_chunk().data.to_pydict())
    writer.done_writing()
    writer.close()

    # or a DoPut: each batch put is acknowledged with the turn's output as an Arrow IPC stream
    writer, acks = client.do_put(flight.FlightDescriptor.for_command(command), schema)
    writer.write_batch(pa.record_batch([pa.array([5.0])], schema=schema))
    print("put ack", pa.ipc.open_stream(acks.read()).read_all().to_pydict())
    writer.close()
# readme:end pyarrow-exchange


if __name__ == "__main__":
    location = sys.argv[1] if len(sys.argv) > 1 else "grpc://localhost:8815"
    with flight.connect(location) as client:
        call_calculator(client)
        scale_batches(client)
