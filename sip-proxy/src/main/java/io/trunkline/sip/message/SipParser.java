package io.trunkline.sip.message;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.text.ParseException;
import java.util.Optional;

/**
 * Parses one SIP message with JAIN-SIP's parser, within limits, and never throws: bad input is a
 * {@link ParseResult.Malformed}, with a 400 Bad Request when one can be addressed.
 */
public final class SipParser {

  /** Default limit of one message: a UDP datagram of SIP should stay under the path MTU. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 65_535;

  /** Default limit of header lines, well above real traffic and below abuse. */
  public static final int DEFAULT_MAX_HEADERS = 128;

  private final int maxMessageBytes;
  private final int maxHeaders;

  public SipParser() {
    this(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_HEADERS);
  }

  public SipParser(int maxMessageBytes, int maxHeaders) {
    this.maxMessageBytes = maxMessageBytes;
    this.maxHeaders = maxHeaders;
  }

  public ParseResult parse(byte[] bytes) {
    if (bytes.length > maxMessageBytes) {
      return new ParseResult.Malformed(
          "message of " + bytes.length + " bytes exceeds " + maxMessageBytes, Optional.empty());
    }
    HeadCheck head = HeadCheck.of(bytes);
    if (head.headerLines() > maxHeaders) {
      return malformed(bytes, "more than " + maxHeaders + " header lines");
    }
    if (head.problem() != null) {
      return malformed(bytes, head.problem());
    }
    if (head.otherVersion()) {
      String reason = "only SIP/2.0 is supported";
      return new ParseResult.Malformed(reason, RawHeaders.scan(bytes).versionNotSupported(reason));
    }
    SIPMessage message;
    try {
      // StringMsgParser keeps state between lines, so one per message; it is cheap to make. Left
      // alone it skips headers it cannot parse; a proxy must not forward what it did not read.
      message = new StringMsgParser().parseSIPMessage(bytes, true, false, SipParser::refuse);
    } catch (ParseException | RuntimeException e) {
      // JAIN-SIP signals some syntax errors with unchecked exceptions; none may escape.
      return malformed(bytes, "unparsable: " + e.getMessage());
    }
    if (message == null) {
      return new ParseResult.Malformed("empty message", Optional.empty());
    }
    String missing = missingMandatoryHeader(message);
    if (missing != null) {
      return malformed(bytes, "missing " + missing);
    }
    return new ParseResult.Parsed(message);
  }

  private static void refuse(
      ParseException e,
      SIPMessage message,
      Class<?> headerClass,
      String headerText,
      String messageText)
      throws ParseException {
    throw new ParseException("bad header " + headerText.trim(), e.getErrorOffset());
  }

  /**
   * RFC 3261 §8.1.1: every request and response carries these; §8.1.1.5: a request's CSeq names its
   * own method.
   */
  private static String missingMandatoryHeader(SIPMessage message) {
    if (message.getTopmostVia() == null) {
      return "Via";
    }
    if (message.getCallId() == null) {
      return "Call-ID";
    }
    if (message.getCSeq() == null) {
      return "CSeq";
    }
    if (message.getFrom() == null) {
      return "From";
    }
    if (message.getTo() == null) {
      return "To";
    }
    if (message instanceof SIPRequest request && !"SIP/2.0".equals(request.getSIPVersion())) {
      return "SIP/2.0 (it names " + request.getSIPVersion() + ")";
    }
    if (message instanceof SIPRequest request
        && !request.getMethod().equals(request.getCSeq().getMethod())) {
      return "a CSeq of its own method";
    }
    if (message.getContentLength() == null && message.getRawContent() != null) {
      return "Content-Length";
    }
    return null;
  }

  /** The headers are read again, as text, only for the rare message that is answered 400. */
  private static ParseResult malformed(byte[] bytes, String reason) {
    return new ParseResult.Malformed(reason, RawHeaders.scan(bytes).badRequest(reason));
  }
}
