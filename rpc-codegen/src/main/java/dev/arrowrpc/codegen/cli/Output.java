package dev.arrowrpc.codegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Where a call's result batches go: a table, JSON lines, or one Arrow IPC stream (to a file or
 * stdout). Each batch arrives serialized, as {@code BatchCalls} returns it.
 */
final class Output implements AutoCloseable {
  /** The output formats. */
  enum Format {
    /** Aligned columns for people, one table per batch. */
    table,
    /** One JSON object per row. */
    jsonl,
    /** One Arrow IPC stream holding every batch, with their custom metadata. */
    arrow
  }

  private final Format format;
  private final PrintStream text;
  private final OutputStream bytes;
  private final boolean ownsBytes;
  private final BufferAllocator memory;
  private Optional<IpcStreamWriter> writer = Optional.empty();
  /** The table being printed: its schema and column widths (a new schema starts a new table). */
  private Optional<Schema> tableSchema = Optional.empty();
  private int[] widths = new int[0];

  private final String where;

  private Output(Format format, OutputStream bytes, boolean ownsBytes, String where, BufferAllocator memory) {
    this.format = format;
    this.where = where;
    this.bytes = bytes;
    this.ownsBytes = ownsBytes;
    this.text = new PrintStream(bytes, false, StandardCharsets.UTF_8);
    this.memory = memory;
  }

  /**
   * Opens an output.
   *
   * @param format the format
   * @param file where to write ({@code --out}); stdout when absent
   * @param stdout standard output
   * @param memory where batches are read into for rendering
   * @return the output
   * @throws IOException when the file cannot be created
   */
  static Output open(Format format, Optional<Path> file, PrintStream stdout, BufferAllocator memory)
      throws IOException {
    if (file.isPresent()) {
      return new Output(format, new BufferedOutputStream(Files.newOutputStream(file.get())), true,
          file.get().toString(), memory);
    }
    return new Output(format, stdout, false, "standard output", memory);
  }

  /**
   * Writes one result batch.
   *
   * @param ipc the batch as a one-batch Arrow IPC stream
   * @return the batch's row count
   * @throws Failed when the output cannot be written (a closed pipe, a full disk)
   */
  int batch(byte[] ipc) {
    try (IpcStreamReader reader = read(ipc, memory)) {
      VectorSchemaRoot root = reader.root();
      switch (format) {
        case jsonl -> {
          for (ObjectNode row : Rows.of(root, reader, memory)) {
            text.println(Json.text(row));
          }
          text.flush();
        }
        case table -> {
          table(root.getSchema(), Rows.of(root, reader, memory));
          text.flush();
        }
        case arrow -> {
          try {
            arrow(reader);
          } catch (IOException e) {
            throw new Failed(ownsBytes, where + ": " + Errors.message(e));
          }
        }
      }
      if (text.checkError() || (bytes instanceof PrintStream stream && stream.checkError())) {
        throw new Failed(ownsBytes, "cannot write " + where);
      }
      return root.getRowCount();
    }
  }

  /**
   * Writes a stream's header ahead of its rows, as the reference's CLI does: a {@code {"__header__":
   * {...}}} line in JSON lines, a {@code Header:} section of {@code name: value} lines in a table, and
   * in Arrow its own IPC stream, which the data's stream follows (two concatenated streams).
   *
   * @param ipc the header as a one-batch Arrow IPC stream
   * @throws Failed when the output cannot be written
   */
  void header(byte[] ipc) {
    try (IpcStreamReader reader = read(ipc, memory)) {
      switch (format) {
        case jsonl -> {
          for (ObjectNode row : Rows.of(reader.root(), reader, memory)) {
            ObjectNode line = row.objectNode();
            line.set("__header__", row);
            text.println(Json.text(line));
          }
        }
        case table -> {
          text.println("Header:");
          for (ObjectNode row : Rows.of(reader.root(), reader, memory)) {
            row.properties().forEach(field -> text.println("  " + field.getKey() + ": " + cell(field.getValue())));
          }
          text.println();
        }
        case arrow -> {
          if (writer.isPresent()) {
            throw new IllegalStateException("a stream's header comes before its rows");
          }
          try (IpcStreamWriter header = IpcStreamWriter.start(bytes, reader.schema())) {
            header.write(new Batch(reader.root(), Map.of()), reader.metadata());
          } catch (IOException e) {
            throw new Failed(ownsBytes, where + ": " + Errors.message(e));
          }
        }
      }
      text.flush();
      if (text.checkError() || (bytes instanceof PrintStream stream && stream.checkError())) {
        throw new Failed(ownsBytes, "cannot write " + where);
      }
    }
  }

  /**
   * The output cannot be written. On standard output that is its reader going away ({@code |
   * head}): the call stops quietly. A file that cannot be written is a failure.
   */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean file;

    Failed(boolean file, String message) {
      super(message);
      this.file = file;
    }

    /** {@return whether the output is a file (else standard output)} */
    boolean file() {
      return file;
    }
  }

  private void arrow(IpcStreamReader reader) throws IOException {
    if (writer.isEmpty()) {
      writer = Optional.of(IpcStreamWriter.start(bytes, reader.schema()));
    } else if (!writer.get().schema().equals(reader.schema())) {
      throw new IllegalStateException("the result schema changed between batches; one Arrow IPC stream cannot "
          + "hold both (use --format jsonl)");
    }
    Map<Long, VectorSchemaRoot> dictionaries = new LinkedHashMap<>();
    for (long id : reader.getDictionaryIds()) {
      Dictionary dictionary = reader.lookup(id);
      FieldVector values = dictionary.getVector();
      dictionaries.put(id, new VectorSchemaRoot(List.of(values.getField()), List.of(values), values.getValueCount()));
    }
    // the reader owns the vectors: the batch is written, not closed
    writer.get().write(new Batch(reader.root(), dictionaries), reader.metadata());
  }

  /**
   * Reads a one-batch IPC stream.
   *
   * @param ipc the bytes
   * @param memory the allocator
   * @return the reader, positioned on its batch
   */
  static IpcStreamReader read(byte[] ipc, BufferAllocator memory) {
    try {
      IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(ipc), memory)
          .orElseThrow(() -> new IllegalStateException("an empty result stream"));
      try {
        if (!reader.next()) {
          throw new IllegalStateException("a result stream without a batch");
        }
        return reader;
      } catch (IOException | RuntimeException e) {
        reader.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Prints rows as aligned columns: a header line when the schema is new (the first batch, or a
   * stream whose schema changed, after a blank line), then the rows; widths grow as wider values
   * come.
   *
   * @param schema the columns
   * @param rows the rows
   */
  private void table(Schema schema, List<ObjectNode> rows) {
    List<String> names = schema.getFields().stream().map(f -> f.getName()).toList();
    if (names.isEmpty()) {
      text.println("(" + rows.size() + " rows, no columns)");
      return;
    }
    List<String[]> cells = new ArrayList<>();
    for (ObjectNode row : rows) {
      String[] line = new String[names.size()];
      for (int c = 0; c < line.length; c++) {
        line[c] = cell(row.get(names.get(c)));
      }
      cells.add(line);
    }
    if (tableSchema.isEmpty() || !tableSchema.get().equals(schema)) {
      if (tableSchema.isPresent()) {
        text.println();
      }
      tableSchema = Optional.of(schema);
      widths = names.stream().mapToInt(String::length).toArray();
      for (String[] line : cells) {
        for (int c = 0; c < line.length; c++) {
          widths[c] = Math.max(widths[c], line[c].length());
        }
      }
      text.println(line(names.toArray(String[]::new), widths));
      String[] rule = new String[widths.length];
      for (int c = 0; c < rule.length; c++) {
        rule[c] = "-".repeat(widths[c]);
      }
      text.println(line(rule, widths));
    }
    for (String[] row : cells) {
      text.println(line(row, widths));
    }
  }

  private static String cell(JsonNode value) {
    if (value == null || value.isNull()) {
      return "null";
    }
    return value.isTextual() ? value.textValue().replace("\n", "\\n") : Json.text(value);
  }

  private static String line(String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      if (c > 0) {
        line.append("  ");
      }
      line.append(cells[c]);
      if (c < cells.length - 1) {
        line.append(" ".repeat(Math.max(0, widths[c] - cells[c].length())));
      }
    }
    return line.toString();
  }

  /**
   * Ends the Arrow stream, when a batch started one (no batch: no bytes, as the schema came with
   * none), and flushes; closes a file.
   */
  @Override
  public void close() throws IOException {
    try {
      if (format == Format.arrow && writer.isPresent()) {
        writer.get().end();
      }
      text.flush();
      bytes.flush();
    } finally {
      if (ownsBytes) {
        bytes.close();
      }
    }
  }
}
