package dev.arrowrpc.core.generated;

import java.util.List;
import java.util.Optional;

/**
 * What a class generated at compile time for one {@code @RpcService} interface implements so that
 * calls run with no reflection: on the server it reads a method's parameters from the request row
 * and calls the implementation directly; on the client it writes a call's parameters into the
 * request row and reads its result.
 *
 * <p><b>Lookup rule.</b> For an interface {@code p.Outer.Service} the runtime loads the class
 * {@code p.Outer_Service_ArrowRpcInvoker}: the interface's package, then its binary name within the
 * package with every {@code $} (a nesting level) replaced by {@code _}, then {@link #SUFFIX}. The
 * class is public, has a public no-argument constructor and implements this interface for that
 * service; it is loaded with the interface's class loader, once per interface. When there is no such
 * class, or it does not offer a method ({@link #method} returns empty), the runtime reflects over the
 * interface for that method as it always has. Both paths produce the same wire bytes and results.
 *
 * <p>A generated method reads and writes cells through the runtime's {@link ParameterRow}, {@link
 * ParameterWriter} and {@link ResultRow} views, one typed accessor per primitive (no boxing) and
 * {@link ParameterRow#get} for every other type, decoded by the same codec reflection uses; so the
 * generated code needs no knowledge of Arrow layouts and cannot drift from the reflective mapping.
 *
 * <p><b>What the annotation processor emits</b> (one source file per {@code @RpcService} interface,
 * in the interface's package, with every type fully qualified; {@code Families_ArrowRpcInvoker} in
 * rpc-core's tests is hand-written to this shape):
 * <pre>{@code
 * public final class Service_ArrowRpcInvoker implements GeneratedInvoker<Service> {
 *   public Service_ArrowRpcInvoker() {}
 *   public Class<Service> service() { return Service.class; }
 *   public Optional<Method<Service>> method(String name) {
 *     return switch (name) {           // one case per method, by wire name
 *       case "add" -> Optional.of(ADD);
 *       default -> Optional.empty();     // Arrow data: the runtime reflects
 *     };
 *   }
 *   private static final Method<Service> ADD = new Method<>() {
 *     public Call<Service> read(ParameterRow p) {
 *       long a = p.getLong(0);                       // a primitive: its typed accessor
 *       List<String> tags = (List<String>) p.get(1); // anything else: get, cast to the declared type
 *       return service -> service.add(a, tags);     // void: call, then return null
 *     }
 *     public void write(Object[] args, ParameterWriter p) {
 *       p.setLong(0, (Long) args[0]);                // the proxy's boxed argument, unboxed
 *       p.set(1, args[1]);
 *     }
 *     public Object readResult(ResultRow r) {
 *       return r.getLong(0);                         // a primitive result; otherwise r.get(0)
 *     }
 *   };
 * }
 * }</pre>
 * It also holds the interface's client: {@code clientMethods()} lists every remote method's wire
 * name, and {@code client(remote)} returns a nested class implementing the interface whose methods
 * pass their boxed arguments to {@code remote.call(position, args)} (no client when a signature
 * cannot be written from the interface's package: a type variable, a wildcard, a private type).
 * Parameters are read and written in declaration order, at their position in the parameter list
 * (the column order of the method's request schema); the processor adds no checks of its own (the
 * runtime's accessors raise the same errors reflection does, and release Arrow data read through
 * {@code get} as reflection releases its arguments). For a stream method the call returns the
 * stream the implementation opens ({@code Producer}, {@code Exchange} or {@code BatchStream}), which
 * the runtime drives as it drives one opened through reflection; its {@code readResult} is never
 * called (the client opens streams from the method's schemas).
 *
 * @param <S> the service interface
 */
public interface GeneratedInvoker<S> {
  /** The suffix of a generated class's simple name: {@code <Interface>_ArrowRpcInvoker}. */
  String SUFFIX = "_ArrowRpcInvoker";

  /** {@return the service interface this class was generated for} */
  Class<S> service();

  /**
   * The generated code of one method, looked up once when a server binds the service or a client
   * builds its proxy.
   *
   * @param name the method's wire name
   * @return its generated code, or empty to have the runtime reflect for it (a method whose
   *     parameters or unary result hold Arrow data, or one the generator does not cover)
   */
  Optional<Method<S>> method(String name);

  /**
   * Client side: an implementation of the interface, generated, whose remote methods hand their
   * arguments to {@code remote} (a client returns it in place of a {@code java.lang.reflect.Proxy}:
   * no {@code Method} lookup, no reflective dispatch per call). Its default methods are the
   * interface's; {@code equals} and {@code hashCode} are identity, as a proxy's are, and {@code
   * toString} is {@code remote}'s.
   *
   * @param remote the runtime's entry for the calls, by the positions {@link #clientMethods} gives
   * @return the implementation, or empty when the processor wrote none (the runtime then makes a
   *     proxy)
   */
  default Optional<S> client(Remote remote) {
    return Optional.empty();
  }

  /**
   * The wire names of the remote methods the generated client calls, each at the position it passes
   * to {@link Remote#call}.
   *
   * @return the names (every remote method of the interface once), empty when there is no client
   */
  default List<String> clientMethods() {
    return List.of();
  }

  /**
   * Finds the generated class of a service interface by the lookup rule above.
   *
   * @param service the {@code @RpcService} interface
   * @param <S> the service type
   * @return an instance of its generated class, or empty when it has none
   * @throws IllegalStateException when the class exists but is not a usable generated class
   */
  static <S> Optional<GeneratedInvoker<S>> find(Class<S> service) {
    return GeneratedLookup.find(service);
  }

  /**
   * The binary name of the generated class for an interface (see the lookup rule).
   *
   * @param service the interface
   * @return the class name, e.g. {@code p.Outer_Service_ArrowRpcInvoker}
   */
  static String className(Class<?> service) {
    String name = service.getName();
    int dot = name.lastIndexOf('.');
    String pkg = dot < 0 ? "" : name.substring(0, dot + 1);
    return pkg + name.substring(dot + 1).replace('$', '_') + SUFFIX;
  }

  /**
   * One method's generated code.
   *
   * @param <S> the service interface
   */
  interface Method<S> {
    /**
     * Server side: reads the method's parameters from the request row, in declaration order (each
     * exactly once), and returns the call bound to them. The row's schema has been checked against
     * the method's. A decoding failure propagates as the runtime's exception (answered as the
     * reflective path answers it); a null in a non-nullable parameter is noticed by the runtime.
     *
     * @param parameters the request row
     * @return the call, ready to run
     */
    Call<S> read(ParameterRow parameters);

    /**
     * Client side: writes the call's arguments into the request row, in declaration order.
     *
     * @param args the arguments as the proxy received them, in declaration order (empty for none)
     * @param parameters the request row
     */
    void write(Object[] args, ParameterWriter parameters);

    /**
     * Client side: reads a unary method's result from the answer's row (never called for void).
     *
     * @param result the result row (column 0)
     * @return the value, boxed as the interface method returns it
     */
    Object readResult(ResultRow result);
  }

  /**
   * A call whose parameters have been read: a plain object holding them in typed fields.
   *
   * @param <S> the service interface
   */
  @FunctionalInterface
  interface Call<S> {
    /**
     * Calls the implementation's method with the parameters read.
     *
     * @param implementation the object serving the interface
     * @return what it returned, boxed (null for void)
     * @throws Throwable whatever the method threw
     */
    Object invoke(S implementation) throws Throwable;
  }

  /** How a generated client ({@link GeneratedInvoker#client}) reaches the runtime. */
  @FunctionalInterface
  interface Remote {
    /**
     * Makes a remote call, as a proxy of the interface would for the same method and arguments.
     *
     * @param method the method's position in {@link GeneratedInvoker#clientMethods}
     * @param args the arguments, boxed, in declaration order (empty for none)
     * @return the result, boxed (null for void), or the stream a stream method opens
     */
    Object call(int method, Object[] args);
  }

  /** One request row as the server reads it: cell accessors by parameter position. */
  interface ParameterRow {
    /**
     * The column's value as a Java {@code long}.
     *
     * @param column the position
     * @return the value
     */
    long getLong(int column);

    /**
     * The column's value as a Java {@code int}.
     *
     * @param column the position
     * @return the value
     */
    int getInt(int column);

    /**
     * The column's value as a Java {@code short}.
     *
     * @param column the position
     * @return the value
     */
    short getShort(int column);

    /**
     * The column's value as a Java {@code byte}.
     *
     * @param column the position
     * @return the value
     */
    byte getByte(int column);

    /**
     * The column's value as a Java {@code double}.
     *
     * @param column the position
     * @return the value
     */
    double getDouble(int column);

    /**
     * The column's value as a Java {@code float}.
     *
     * @param column the position
     * @return the value
     */
    float getFloat(int column);

    /**
     * The column's value as a Java {@code boolean}.
     *
     * @param column the position
     * @return the value
     */
    boolean getBoolean(int column);

    /**
     * The column's value decoded as its Java type (cast it to the parameter's declared type).
     *
     * @param column the position
     * @return the value, or null for a null cell
     */
    Object get(int column);
  }

  /** One request row as the client writes it: cell setters by parameter position. */
  interface ParameterWriter {
    /**
     * Sets a {@code long} cell.
     *
     * @param column the position
     * @param value the value
     */
    void setLong(int column, long value);

    /**
     * Sets an {@code int} cell.
     *
     * @param column the position
     * @param value the value
     */
    void setInt(int column, int value);

    /**
     * Sets a {@code short} cell.
     *
     * @param column the position
     * @param value the value
     */
    void setShort(int column, short value);

    /**
     * Sets a {@code byte} cell.
     *
     * @param column the position
     * @param value the value
     */
    void setByte(int column, byte value);

    /**
     * Sets a {@code double} cell.
     *
     * @param column the position
     * @param value the value
     */
    void setDouble(int column, double value);

    /**
     * Sets a {@code float} cell.
     *
     * @param column the position
     * @param value the value
     */
    void setFloat(int column, float value);

    /**
     * Sets a {@code boolean} cell.
     *
     * @param column the position
     * @param value the value
     */
    void setBoolean(int column, boolean value);

    /**
     * Sets a cell of any other type, encoded by the column's codec.
     *
     * @param column the position
     * @param value the value, possibly null
     */
    void set(int column, Object value);
  }

  /** A unary answer's row as the client reads it: the same accessors, on column 0. */
  interface ResultRow extends ParameterRow {}
}
