package io.trunkline.sip.message;

import gov.nist.javax.sip.message.SIPMessage;
import java.util.Optional;

/** What came of parsing bytes as SIP: a message, or a failure and perhaps a 400 to send back. */
public sealed interface ParseResult {

  /** A message JAIN-SIP's model could hold. */
  record Parsed(SIPMessage message) implements ParseResult {}

  /**
   * Bytes that are not a usable SIP message.
   *
   * @param reason why, for logs and the drop counter
   * @param badRequest a complete 400 Bad Request to answer with, when enough of a request could be
   *     read to address one (RFC 3261 §8.2.6); empty means drop silently
   */
  record Malformed(String reason, Optional<byte[]> badRequest) implements ParseResult {}
}
