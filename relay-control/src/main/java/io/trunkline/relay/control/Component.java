package io.trunkline.relay.control;

/** The two transport addresses of one media stream, numbered as ICE does (RFC 8445 §5.1.1.1). */
public enum Component {
  RTP,
  RTCP
}
