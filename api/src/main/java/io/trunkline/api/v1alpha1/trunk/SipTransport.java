package io.trunkline.api.v1alpha1.trunk;

/** SIP transports (RFC 3261 §18; TLS carries SIPS, RFC 5630). */
public enum SipTransport {
  UDP,
  TCP,
  TLS
}
