package io.trunkline.bench.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Calls through rtpengine, set up with its ng protocol as Kamailio's rtpengine module would: an
 * offer with the caller's SDP, an answer with the callee's, a delete at the end.
 */
final class RtpenginePath implements MediaPath {

  private final NgClient client;

  RtpenginePath(InetSocketAddress control) throws IOException {
    this.client = new NgClient(control);
  }

  @Override
  public String name() {
    return "rtpengine";
  }

  @Override
  public CompletableFuture<Route> open(
      String callId, InetSocketAddress caller, InetSocketAddress callee) {
    Map<String, Object> offer =
        Map.of(
            "command",
            "offer",
            "call-id",
            callId,
            "from-tag",
            CALLER_TAG,
            "sdp",
            Sdp.pcmu(caller, 1));
    return client
        .request(offer)
        .thenCompose(
            offered -> {
              Map<String, Object> answer =
                  Map.of(
                      "command", "answer",
                      "call-id", callId,
                      "from-tag", CALLER_TAG,
                      "to-tag", CALLEE_TAG,
                      "sdp", Sdp.pcmu(callee, 2));
              return client
                  .request(answer)
                  .thenApply(
                      answered ->
                          new Route(Sdp.audioRtp(sdp(answered)), Sdp.audioRtp(sdp(offered))));
            });
  }

  private static String sdp(Map<String, Object> reply) {
    if (reply.get("sdp") instanceof String sdp) {
      return sdp;
    }
    throw new IllegalStateException("rtpengine replied without SDP: " + reply);
  }

  @Override
  public CompletableFuture<?> close(String callId) {
    return client.request(Map.of("command", "delete", "call-id", callId, "from-tag", CALLER_TAG));
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
