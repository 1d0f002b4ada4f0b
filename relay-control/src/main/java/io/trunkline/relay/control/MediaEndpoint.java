package io.trunkline.relay.control;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where one side receives a media stream: its RTP address and its RTCP address. SDP states the RTP
 * one in {@code c=} and {@code m=}; RTCP is the next port (RFC 3550 §11) unless {@code a=rtcp} says
 * otherwise (RFC 3605).
 */
public record MediaEndpoint(InetSocketAddress rtp, InetSocketAddress rtcp) {

  public MediaEndpoint {
    Objects.requireNonNull(rtp, "rtp");
    Objects.requireNonNull(rtcp, "rtcp");
  }

  /** RTP at {@code rtp} and RTCP on the next port of the same host (RFC 3550 §11). */
  public static MediaEndpoint of(InetSocketAddress rtp) {
    return new MediaEndpoint(rtp, new InetSocketAddress(rtp.getAddress(), rtp.getPort() + 1));
  }

  public InetSocketAddress address(Component component) {
    return component == Component.RTP ? rtp : rtcp;
  }
}
