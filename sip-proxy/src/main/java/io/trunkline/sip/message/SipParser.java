package io.trunkline.sip.message;

import gov.nist.core.ParserCore;
import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.ContactList;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.trunkline.sip.transaction.TransactionLayer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.text.ParseException;
import java.util.Optional;
import javax.sip.address.Address;

/**
 * Parses one SIP message into JAIN-SIP's model, within limits, and never throws: bad input is a
 * {@link ParseResult.Malformed}, with a 400 Bad Request when one can be addressed. JAIN-SIP's
 * parser reads it, but for the plain forms of the common headers, which {@link PlainHeaders} reads
 * into the same objects (decision 0008).
 */
public final class SipParser {

  /** Default limit of one message: a UDP datagram of SIP should stay under the path MTU. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 65_535;

  /** Default limit of header lines, well above real traffic and below abuse. */
  public static final int DEFAULT_MAX_HEADERS = 128;

  /**
   * JAIN-SIP's parsers keep a debugging depth in one static int, {@code ParserCore.nesting_level},
   * and, debugging or not, build a string of that many characters on entering and on leaving the
   * rule of every address header (From, To, Contact, Route, Record-Route). Workers parsing at once
   * race on it, so it drifts with uptime (usnistgov/jsip#46; RestComm/jain-sip#187 saw it wrap and
   * build a string of two billion). In one bench run it had drifted far enough that those strings
   * were a fifth of all the proxy allocated. Pinned far below zero before each message, the loops
   * that build them never run, and no message's parse can drift it back to zero.
   */
  private static final VarHandle NESTING_LEVEL = nestingLevel();

  private static final int NO_NESTING = Integer.MIN_VALUE / 2;

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
    NESTING_LEVEL.set(NO_NESTING);
    try {
      // Left alone, JAIN-SIP's parser skips headers it cannot parse; a proxy must not forward what
      // it did not read.
      message = new MessageReader().parseSIPMessage(bytes, true, false, SipParser::refuse);
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
    String unusable = message instanceof SIPRequest request ? unusableRequest(request) : null;
    if (unusable != null) {
      return malformed(bytes, unusable);
    }
    return new ParseResult.Parsed(message);
  }

  /**
   * What JAIN-SIP reads liberally but a proxy must not pass on: RFC 4475 lets an element refuse
   * each of these with 400, and refusing is the one answer that never forwards them changed.
   */
  private static String unusableRequest(SIPRequest request) {
    // §19.1.1: headers have no place in a Request-URI (RFC 4475 §3.1.2.11).
    if (request.getRequestURI() instanceof SipUri uri && uri.getHeaderNames().hasNext()) {
      return "escaped headers in the Request-URI";
    }
    // §20.10: a URI with headers must be in <> (RFC 4475 §3.1.2.13).
    ContactList contacts = request.getContactHeaders();
    if (contacts != null) {
      for (Contact contact : contacts) {
        if (bareUriWithHeaders(contact.getAddress())) {
          return "a Contact with URI headers outside <>";
        }
      }
    }
    if (bareUriWithHeaders(request.getFrom().getAddress())
        || bareUriWithHeaders(request.getTo().getAddress())) {
      return "an address with URI headers outside <>";
    }
    // §8.1.1.7: the magic cookie alone identifies no transaction; refused statelessly, as RFC 4475
    // §3.2.1 prefers, since the sender's other requests likely carry it too.
    if (TransactionLayer.MAGIC_COOKIE.equals(request.getTopmostVia().getBranch())) {
      return "a Via branch of only the magic cookie";
    }
    return null;
  }

  private static boolean bareUriWithHeaders(Address address) {
    return address instanceof AddressImpl written
        && written.getAddressType() == AddressImpl.ADDRESS_SPEC
        && written.getURI() instanceof SipUri uri
        && uri.getHeaderNames().hasNext();
  }

  static VarHandle nestingLevel() {
    try {
      return MethodHandles.privateLookupIn(ParserCore.class, MethodHandles.lookup())
          .findStaticVarHandle(ParserCore.class, "nesting_level", int.class);
    } catch (NoSuchFieldException | IllegalAccessException e) {
      throw new IllegalStateException("JAIN-SIP's parser is not the version this proxy pins", e);
    }
  }

  /**
   * JAIN-SIP's message parser, its framing, start line and every header, but for the plain forms of
   * the common headers, which {@link PlainHeaders} reads into the same objects more cheaply. Holds
   * no state of its own; JAIN-SIP's keeps none between messages.
   */
  private static final class MessageReader extends StringMsgParser {

    @Override
    protected void processHeader(
        String header, SIPMessage message, ParseExceptionListener listener, byte[] rawMessage)
        throws ParseException {
      SIPHeader plain = PlainHeaders.read(header);
      if (plain == null) {
        super.processHeader(header, message, listener, rawMessage);
      } else {
        message.attachHeader(plain, false);
      }
    }
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
