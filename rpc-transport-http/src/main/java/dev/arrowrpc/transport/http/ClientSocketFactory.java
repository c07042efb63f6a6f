package dev.arrowrpc.transport.http;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * Makes the default client's sockets ({@link HttpRpc.Builder#transport()}):
 *
 * <ul>
 *   <li>Nagle's algorithm off: a request body written after its headers otherwise waits for the
 *       delayed ACK of the headers, about 40 ms per call;
 *   <li>writes gathered up to {@link #WRITE_BUFFER} bytes until a flush: OkHttp hands the socket
 *       one 8 KiB segment per write, and with Nagle off each one went out as its own packet (a
 *       system call, and a wake-up of the server, per 8 KiB: a third of the client's time for a
 *       1 MiB request). OkHttp flushes the socket at the end of every request, and TLS records
 *       are flushed as they are written, so nothing waits in the buffer; the bytes are the same.
 * </ul>
 */
final class ClientSocketFactory extends SocketFactory {
  /** The most bytes gathered before they are written. */
  static final int WRITE_BUFFER = 64 * 1024;

  @Override
  public Socket createSocket() throws IOException {
    return new GatheringSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(null, new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return connected(new InetSocketAddress(localHost, localPort), new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(null, new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(localAddress, localPort), new InetSocketAddress(address, port));
  }

  private static Socket connected(SocketAddress local, InetSocketAddress remote) throws IOException {
    Socket socket = new GatheringSocket();
    try {
      if (local != null) {
        socket.bind(local);
      }
      socket.connect(remote);
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** A plain socket, Nagle off, whose output stream gathers writes until a flush or a full buffer. */
  static final class GatheringSocket extends Socket {
    private final Object lock = new Object();
    private OutputStream gathered;

    GatheringSocket() throws IOException {
      setTcpNoDelay(true);
    }

    /** The socket's stream behind a buffer (one per socket; the socket's own checks apply on every call). */
    @Override
    public OutputStream getOutputStream() throws IOException {
      OutputStream raw = super.getOutputStream();
      synchronized (lock) {
        if (gathered == null) {
          gathered = new BufferedOutputStream(raw, WRITE_BUFFER);
        }
        return gathered;
      }
    }

    /** Sends what is gathered, then shuts the output down. */
    @Override
    public void shutdownOutput() throws IOException {
      OutputStream pending;
      synchronized (lock) {
        pending = gathered;
      }
      try {
        if (pending != null && !isClosed() && !isOutputShutdown()) {
          pending.flush();
        }
      } finally {
        super.shutdownOutput();
      }
    }
  }
}
