package dev.arrowrpc.conformance;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An Arrow record batch and an Arrow schema carried inside a record, each as a binary cell (the
 * batch as an IPC stream, the schema as a serialized schema message). The server releases the
 * batch after the call.
 *
 * @param batch a record batch of any schema
 * @param schema any schema
 */
public record EmbeddedArrow(VectorSchemaRoot batch, Schema schema) {}
