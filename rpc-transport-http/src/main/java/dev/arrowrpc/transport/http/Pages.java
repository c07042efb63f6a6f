package dev.arrowrpc.transport.http;

import static dev.arrowrpc.transport.http.Responses.escape;

import dev.arrowrpc.core.auth.AuthReason;
import dev.arrowrpc.core.spi.ServiceOutline;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** The server's HTML pages: landing, API reference, 404 and 401. Rendered once where possible. */
final class Pages {
  private static final String STYLE = "<style>"
      + "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
      + "code,td.t{font-family:ui-monospace,monospace}"
      + "table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
      + "td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}"
      + "h2{margin-top:2rem;border-bottom:1px solid #ddd}.kind{color:#666;font-size:.9em}"
      + "</style>";

  private Pages() {}

  private static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + escape(title) + "</title>" + STYLE + "</head><body>\n" + body + "\n</body></html>\n";
  }

  /** The landing page at {@code GET {prefix}}. */
  static String landing(ServiceOutline spec, String serverId, String prefix, boolean describePage) {
    StringBuilder body = new StringBuilder();
    body.append("<h1>").append(escape(spec.protocolName())).append("</h1>");
    body.append("<p>A <code>vgi-rpc</code> service over HTTP");
    spec.protocolVersion().ifPresent(v -> body.append(", protocol version <code>").append(escape(v)).append("</code>"));
    body.append(".</p><p>Server id <code>").append(escape(serverId)).append("</code>; ")
        .append(spec.methods().size()).append(" methods.</p>");
    body.append("<p>Calls are <code>POST ").append(escape(prefix)).append("/&lt;method&gt;</code> with an Arrow IPC"
        + " stream body (<code>application/vnd.apache.arrow.stream</code>); streams use <code>/init</code> and"
        + " <code>/exchange</code>.</p>");
    if (describePage) {
      body.append("<p><a href=\"").append(escape(prefix)).append("/describe\">API reference</a></p>");
    }
    body.append("<p><a href=\"").append(escape(prefix)).append("/health\">Health</a></p>");
    return page(spec.protocolName(), body.toString());
  }

  /** The API reference at {@code GET {prefix}/describe}: every method with its schemas. */
  static String describe(ServiceOutline spec) {
    StringBuilder body = new StringBuilder();
    body.append("<h1>").append(escape(spec.protocolName())).append(" API reference</h1>");
    spec.protocolVersion().ifPresent(v ->
        body.append("<p>Protocol version <code>").append(escape(v)).append("</code></p>"));
    body.append("<ul>");
    for (ServiceOutline.Method method : spec.methods()) {
      body.append("<li><a href=\"#").append(escape(method.name())).append("\"><code>")
          .append(escape(method.name())).append("</code></a> <span class=\"kind\">").append(kind(method))
          .append("</span></li>");
    }
    body.append("</ul>");
    for (ServiceOutline.Method method : spec.methods()) {
      body.append("<h2 id=\"").append(escape(method.name())).append("\"><code>").append(escape(method.name()))
          .append("</code> <span class=\"kind\">").append(kind(method)).append("</span></h2>");
      section(body, "Parameters", Optional.of(method.params()));
      switch (method.kind()) {
        case UNARY -> section(body, "Result", method.result());
        case STREAM -> body.append("<p>Output and input schemas are decided when the stream opens"
            + " (an empty input schema makes a producer).</p>");
        default -> {
          section(body, "Output rows", method.output());
          if (method.kind() == ServiceOutline.Kind.EXCHANGE) {
            section(body, "Input rows", method.input());
          }
        }
      }
      method.header().ifPresent(header -> section(body, "Stream header", Optional.of(header)));
    }
    return page(spec.protocolName() + " API reference", body.toString());
  }

  /** The page for paths that name nothing. */
  static String notFound(ServiceOutline spec, String prefix) {
    return page("404 Not Found", "<h1>404 Not Found</h1><p>This is a <code>vgi-rpc</code> service endpoint serving <strong>"
        + escape(spec.protocolName()) + "</strong>.</p><p>Methods are at <code>" + escape(prefix)
        + "/&lt;method&gt;</code>.</p>");
  }

  /** The 401 page for a browser. */
  static String unauthorized(AuthReason reason, String detail) {
    return unauthorized(reason, detail, Optional.empty());
  }

  static String unauthorized(AuthReason reason, String detail, Optional<String> proxyHint) {
    return page("401 Unauthorized", "<h1>401 Unauthorized</h1><p><code>" + escape(reason.code())
        + "</code></p><p>Authentication is required to call this <code>vgi-rpc</code> service.</p>"
        + (detail.isEmpty() ? "" : "<p>" + escape(detail) + "</p>")
        + proxyHint.map(h -> "<p><strong>Proxy:</strong> " + escape(h) + "</p>").orElse(""));
  }

  private static String kind(ServiceOutline.Method method) {
    return switch (method.kind()) {
      case UNARY -> "unary";
      case PRODUCER -> "producer stream";
      case EXCHANGE -> "exchange stream";
      case STREAM -> "batch stream";
    };
  }

  private static void section(StringBuilder body, String title, Optional<Schema> schema) {
    body.append("<h3>").append(title).append("</h3>");
    if (schema.isEmpty() || schema.get().getFields().isEmpty()) {
      body.append("<p><em>none</em></p>");
      return;
    }
    body.append("<table><tr><th>field</th><th>type</th><th>nullable</th></tr>");
    for (Field field : schema.get().getFields()) {
      body.append("<tr><td><code>").append(escape(field.getName())).append("</code></td><td class=\"t\">")
          .append(escape(type(field))).append("</td><td>").append(field.isNullable() ? "yes" : "no")
          .append("</td></tr>");
    }
    body.append("</table>");
  }

  /** The type's name as pyarrow writes it. */
  private static String name(ArrowType type) {
    String unit;
    if (type instanceof ArrowType.Int i) {
      return (i.getIsSigned() ? "int" : "uint") + i.getBitWidth();
    } else if (type instanceof ArrowType.FloatingPoint f) {
      return switch (f.getPrecision()) {
        case HALF -> "float16";
        case SINGLE -> "float32";
        case DOUBLE -> "float64";
      };
    } else if (type instanceof ArrowType.Decimal d) {
      return "decimal" + d.getBitWidth() + "(" + d.getPrecision() + ", " + d.getScale() + ")";
    } else if (type instanceof ArrowType.Date d) {
      return d.getUnit() == org.apache.arrow.vector.types.DateUnit.DAY ? "date32" : "date64";
    } else if (type instanceof ArrowType.Timestamp t) {
      unit = unit(t.getUnit());
      return "timestamp[" + unit + (t.getTimezone() == null ? "" : ", tz=" + t.getTimezone()) + "]";
    } else if (type instanceof ArrowType.Time t) {
      return "time" + t.getBitWidth() + "[" + unit(t.getUnit()) + "]";
    } else if (type instanceof ArrowType.Duration d) {
      return "duration[" + unit(d.getUnit()) + "]";
    } else if (type instanceof ArrowType.FixedSizeBinary b) {
      return "fixed_size_binary(" + b.getByteWidth() + ")";
    }
    return switch (type.getTypeID()) {
      case Utf8 -> "utf8";
      case LargeUtf8 -> "large_utf8";
      case Binary -> "binary";
      case LargeBinary -> "large_binary";
      case Bool -> "bool";
      case Null -> "null";
      case List -> "list";
      case LargeList -> "large_list";
      case Struct -> "struct";
      case Map -> "map";
      default -> type.toString().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String unit(org.apache.arrow.vector.types.TimeUnit unit) {
    return switch (unit) {
      case SECOND -> "s";
      case MILLISECOND -> "ms";
      case MICROSECOND -> "us";
      case NANOSECOND -> "ns";
    };
  }

  /** A readable type, children included: {@code list<item: utf8>}, {@code struct<x: float64, ...>}. */
  static String type(Field field) {
    String base = name(field.getType());
    if (field.getDictionary() != null) {
      base = "dictionary<" + name(field.getDictionary().getIndexType()) + ", " + base + ">";
    }
    List<Field> children = field.getChildren();
    if (children.isEmpty()) {
      return base;
    }
    String inner = children.stream()
        .map(c -> c.getName() + ": " + type(c) + (c.isNullable() ? "" : " not null"))
        .collect(Collectors.joining(", "));
    return base + "<" + inner + ">";
  }
}
