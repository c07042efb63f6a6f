package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InterruptShieldTest {
  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void aPendingInterruptDoesNotFailAnInMemoryPipe() throws Exception {
    RingPipe pipe = new RingPipe(16);
    pipe.sink().write(new byte[] {9});
    InputStream shielded = InterruptShield.input(pipe.source());
    Thread.currentThread().interrupt();
    assertEquals(9, shielded.read());
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void withoutTheShieldAPendingInterruptFailsABlockingPipeRead() {
    RingPipe pipe = new RingPipe(16);
    Thread.currentThread().interrupt();
    assertThrows(InterruptedIOException.class, () -> pipe.source().read());
  }

  @Test
  void aPendingInterruptDoesNotCloseASocketChannel() throws Exception {
    try (ServerSocketChannel listener = ServerSocketChannel.open()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel client = SocketChannel.open(listener.getLocalAddress());
        SocketChannel accepted = listener.accept()) {
      OutputStream out = InterruptShield.output(ChannelStreams.output(accepted));
      Thread.currentThread().interrupt();
      out.write(new byte[] {1, 2, 3});
      out.flush();
      byte[] received = ChannelStreams.input(client).readNBytes(3);
      assertEquals(3, received.length);
      assertEquals(3, received[2]);
    }
  }
}
