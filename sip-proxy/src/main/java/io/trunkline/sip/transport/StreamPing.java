package io.trunkline.sip.transport;

/** A keep-alive ping on a stream (CRLFCRLF, RFC 5626 §3.5.1), to be answered with a pong. */
enum StreamPing {
  INSTANCE
}
