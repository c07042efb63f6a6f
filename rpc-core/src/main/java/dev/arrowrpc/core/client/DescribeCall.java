package dev.arrowrpc.core.client;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.ServiceDescription;
import dev.arrowrpc.core.schema.ReadContext;
import dev.arrowrpc.core.server.Describe;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.Keys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/** The client side of {@code __describe__}. */
public final class DescribeCall {
  private DescribeCall() {}

  /**
   * Calls {@code __describe__} and parses the answer.
   *
   * @param session the channel
   * @return the description
   */
  public static ServiceDescription call(ClientSession session) {
    Object token = new Object();
    session.begin(token);
    BufferAllocator memory = session.allocator().newChildAllocator("describe", 0, Long.MAX_VALUE);
    try {
      session.writeDescribeRequest(memory);
      return session.readResponse(memory, DescribeCall::decode)
          .orElseThrow(() -> new RpcException("ProtocolError", "the describe response has no batch"));
    } catch (IOException e) {
      throw session.transportFailure("describe", e);
    } finally {
      memory.close();
      session.end(token);
    }
  }

  /**
   * Decodes the describe response batch.
   *
   * @param reader the response stream, positioned on its batch
   * @param context where decoded values live
   * @return the description
   */
  static ServiceDescription decode(IpcStreamReader reader, ReadContext context) {
    List<ServiceDescription.Method> methods = new ArrayList<>();
    for (Object row : Describe.SCHEMA.decode(reader.root(), context)) {
      Describe.Row r = (Describe.Row) row;
      methods.add(new ServiceDescription.Method(
          r.name(), r.method_type(), Boolean.TRUE.equals(r.has_return()),
          schema(r.params_schema_ipc()), schema(r.result_schema_ipc()),
          Optional.ofNullable(r.header_schema_ipc()).map(DescribeCall::schema),
          Optional.ofNullable(r.is_exchange())));
    }
    Map<String, String> md = reader.metadata();
    return new ServiceDescription(
        md.getOrDefault(Keys.PROTOCOL_NAME, ""),
        Optional.ofNullable(md.get(Keys.PROTOCOL_VERSION)),
        md.getOrDefault(Keys.PROTOCOL_HASH, ""),
        md.getOrDefault(Keys.SERVER_ID, ""),
        md.getOrDefault(Keys.DESCRIBE_VERSION, ""),
        methods, md);
  }

  static Schema schema(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return MessageSerializer.deserializeSchema(
          new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes))));
    } catch (IOException e) {
      throw new RpcException("ProtocolError", "describe holds an unreadable schema: " + e.getMessage());
    }
  }
}
