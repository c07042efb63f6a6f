package dev.arrowrpc.transport.pipe;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Implements {@link Echo}; in-process tests can see when {@link #sleep} is entered and end it. */
public final class EchoImpl implements Echo {
  private final CountDownLatch sleeping = new CountDownLatch(1);
  private final CountDownLatch wake = new CountDownLatch(1);
  private final Consumer<String> announce;

  /** An implementation that keeps quiet: in-process tests watch {@link #awaitSleeping} instead. */
  public EchoImpl() {
    this(line -> {});
  }

  /**
   * An implementation that announces each {@link #sleep} (a subprocess worker prints it to stderr,
   * where the test that launched it waits for the line).
   *
   * @param announce receives {@code "sleeping <millis>"}
   */
  public EchoImpl(Consumer<String> announce) {
    this.announce = announce;
  }

  @Override
  public String echo(String s) {
    return s;
  }

  @Override
  public long add(long a, long b) {
    return a + b;
  }

  @Override
  public void fail(String message) {
    throw new IllegalArgumentException(message);
  }

  @Override
  public void sleep(long millis) {
    announce.accept("sleeping " + millis);
    sleeping.countDown();
    try {
      wake.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String interruptSelf(String s) {
    Thread.currentThread().interrupt();
    return s;
  }

  @Override
  public void shout(String line) {
    System.out.println("stray " + line);
    System.err.println(line);
  }

  /** Waits until a call has entered {@link #sleep}. */
  boolean awaitSleeping(long timeout, TimeUnit unit) throws InterruptedException {
    return sleeping.await(timeout, unit);
  }

  /** Ends every current and future {@link #sleep} at once. */
  void wakeUp() {
    wake.countDown();
  }
}
