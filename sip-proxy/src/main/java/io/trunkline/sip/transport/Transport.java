package io.trunkline.sip.transport;

/** How a message travelled (RFC 3261 §18). */
public enum Transport {
  UDP,
  TCP
}
