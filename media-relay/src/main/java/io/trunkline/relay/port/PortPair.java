package io.trunkline.relay.port;

/**
 * One leg's ports on the relay: RTP on an even port and RTCP on the next higher odd one, the
 * pairing RFC 3550 §11 and RFC 3551 §10 ask for and every SIP phone assumes when SDP has no {@code
 * a=rtcp} (RFC 3605).
 */
public record PortPair(int rtp) {

  public PortPair {
    if (rtp < 0 || rtp > 65534 || rtp % 2 != 0) {
      throw new IllegalArgumentException("RTP port must be even and below 65535: " + rtp);
    }
  }

  public int rtcp() {
    return rtp + 1;
  }
}
