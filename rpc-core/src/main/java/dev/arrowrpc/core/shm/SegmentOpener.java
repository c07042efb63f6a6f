package dev.arrowrpc.core.shm;

import java.io.IOException;

/** Opens a segment a peer created and named (the server side of a client-owned segment). */
@FunctionalInterface
public interface SegmentOpener {
  /**
   * Maps an existing segment and checks its header.
   *
   * @param name the segment's OS name as the peer advertised it
   * @param size the size the peer advertised
   * @return the mapped segment, closed by the caller
   * @throws IOException when the segment cannot be opened or its header is not the reference layout
   */
  SharedSegment attach(String name, long size) throws IOException;
}
