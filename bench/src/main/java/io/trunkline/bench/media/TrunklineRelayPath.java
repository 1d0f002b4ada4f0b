package io.trunkline.bench.media;

import io.trunkline.relay.control.ControlKey;
import io.trunkline.relay.control.ControlSigner;
import io.trunkline.relay.control.MediaEndpoint;
import io.trunkline.relay.control.RelayClient;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** Calls through Trunkline's media-relay, set up with its own client (docs/decisions/0009). */
final class TrunklineRelayPath implements MediaPath {

  private final RelayClient client;

  /**
   * @param key the key the relay was started with, which signs the proxy's requests
   */
  TrunklineRelayPath(InetSocketAddress control, ControlKey key) throws InterruptedException {
    this.client =
        RelayClient.open(
            control,
            new ControlSigner(
                Objects.requireNonNull(key, "set TRUNKLINE_RELAY_CONTROL_KEY, the relay's key")));
  }

  @Override
  public String name() {
    return "media-relay";
  }

  @Override
  public CompletableFuture<Route> open(
      String callId, InetSocketAddress caller, InetSocketAddress callee) {
    // The offer returns where the callee must send, the answer where the caller must send.
    return client
        .offer(callId, CALLER_TAG, MediaEndpoint.of(caller))
        .thenCompose(
            forCallee ->
                client
                    .answer(callId, CALLER_TAG, CALLEE_TAG, MediaEndpoint.of(callee))
                    .thenApply(forCaller -> new Route(forCaller.rtp(), forCallee.rtp())));
  }

  @Override
  public CompletableFuture<?> close(String callId) {
    return client.delete(callId, CALLER_TAG);
  }

  @Override
  public void close() {
    client.close();
  }
}
