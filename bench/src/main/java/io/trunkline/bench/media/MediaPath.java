package io.trunkline.bench.media;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * What stands between the two phones of a call: a relay set up through its control protocol, or
 * nothing (the generator's own ceiling).
 */
interface MediaPath extends AutoCloseable {

  /** Where each phone sends its RTP. */
  record Route(InetSocketAddress callerSendsTo, InetSocketAddress calleeSendsTo) {}

  /** The name in the report. */
  String name();

  /**
   * Anchors one call whose caller receives RTP at {@code caller} and callee at {@code callee}, as
   * the offer and the answer of a SIP call would.
   */
  CompletableFuture<Route> open(String callId, InetSocketAddress caller, InetSocketAddress callee);

  /** Ends the call's media. */
  CompletableFuture<?> close(String callId);

  @Override
  void close() throws Exception;

  /** The tags of every call: one caller and one callee per Call-ID. */
  String CALLER_TAG = "caller";

  String CALLEE_TAG = "callee";

  /** No relay: each phone sends straight to the other. */
  final class Direct implements MediaPath {

    @Override
    public String name() {
      return "no relay";
    }

    @Override
    public CompletableFuture<Route> open(
        String callId, InetSocketAddress caller, InetSocketAddress callee) {
      return CompletableFuture.completedFuture(new Route(callee, caller));
    }

    @Override
    public CompletableFuture<?> close(String callId) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }
}
