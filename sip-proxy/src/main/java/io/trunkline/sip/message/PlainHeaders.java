package io.trunkline.sip.message;

import gov.nist.core.Host;
import gov.nist.core.HostPort;
import gov.nist.core.NameValue;
import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.header.Protocol;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;
import java.text.ParseException;
import java.util.Set;
import javax.sip.InvalidArgumentException;

/**
 * Reads the plain form of the headers every message carries, Via, From, To, Call-ID, CSeq, Contact,
 * Route, Record-Route, Max-Forwards and Content-Length, in one pass over the line. JAIN-SIP's
 * parsers build a lexer for each header, a token for each word and an upper-cased copy of each to
 * look it up as a keyword; for these headers that was most of the time a message took to parse.
 *
 * <p>The result is the object JAIN-SIP's own parser for the header builds from the same line, made
 * through the same constructors and setters from the same pieces of text, so everything downstream
 * sees no difference; {@code PlainHeadersTest} holds the two equal field by field. Anything else,
 * any line outside the plain form, returns null and goes to JAIN-SIP as before, whose errors stay
 * the ones the proxy answers: white space other than after the header's colon, after a Via's
 * protocol and around commas; a Via comment, an IPv6 or non-ASCII host, a parameter without a token
 * value; a number longer than the plain form allows; a CSeq method other than RFC 3261's and its
 * extensions'; and what {@link PlainAddresses} leaves.
 */
final class PlainHeaders {

  /**
   * The methods a CSeq may name here, those JAIN-SIP knows by name: it reads some method names as
   * keywords of its lexer, and refuses those that are keywords of something else, so only names
   * known to read as methods take this path.
   */
  private static final Set<String> METHODS =
      Set.of(
          "INVITE",
          "ACK",
          "BYE",
          "CANCEL",
          "OPTIONS",
          "REGISTER",
          "PRACK",
          "UPDATE",
          "SUBSCRIBE",
          "NOTIFY",
          "INFO",
          "REFER",
          "MESSAGE",
          "PUBLISH");

  /** token (RFC 3261 §25.1), as JAIN-SIP's lexer reads it, with ASCII letters and digits only. */
  static final boolean[] TOKEN = alphanumericAnd("-.!%*_+`'~");

  /** What JAIN-SIP's HostNameParser reads as a host name or IPv4 address, ASCII only. */
  private static final boolean[] HOST = alphanumericAnd("-._");

  private PlainHeaders() {}

  /**
   * The header a line holds, or null to leave it to JAIN-SIP.
   *
   * @param line a header line as JAIN-SIP's message parser hands it on: name, colon and value,
   *     continuation lines joined, without its line end
   */
  static SIPHeader read(String line) {
    int colon = tokenEnd(line, 0);
    if (colon == 0 || colon == line.length() || line.charAt(colon) != ':') {
      return null;
    }
    int value = skipWhiteSpace(line, colon + 1);
    try {
      if (named(line, colon, "Via", "v")) {
        return via(line, value);
      }
      if (named(line, colon, "From", "f")) {
        return PlainAddresses.from(line, value);
      }
      if (named(line, colon, "To", "t")) {
        return PlainAddresses.to(line, value);
      }
      if (named(line, colon, "Contact", "m")) {
        return PlainAddresses.contacts(line, value);
      }
      if (named(line, colon, "Route", null)) {
        return PlainAddresses.routes(line, value);
      }
      if (named(line, colon, "Record-Route", null)) {
        return PlainAddresses.recordRoutes(line, value);
      }
      if (named(line, colon, "Call-ID", "i")) {
        return callId(line, value);
      }
      if (named(line, colon, "CSeq", null)) {
        return cseq(line, value);
      }
      if (named(line, colon, "Max-Forwards", null)) {
        return maxForwards(line, value);
      }
      if (named(line, colon, "Content-Length", "l")) {
        return contentLength(line, value);
      }
    } catch (ParseException | InvalidArgumentException e) {
      // Refused by a setter JAIN-SIP's parser calls too: its parser says so in its own words.
      return null;
    }
    return null;
  }

  /** RFC 3261 §20.42: one or more via-parms, separated by commas. */
  private static ViaList via(String line, int start) throws ParseException {
    ViaList vias = new ViaList();
    int at = start;
    while (true) {
      Via via = new Via();
      at = viaParm(line, at, via);
      if (at < 0) {
        return null;
      }
      vias.add(via);
      if (at == line.length()) {
        return vias;
      }
      at = skipWhiteSpace(line, at);
      if (at == line.length() || line.charAt(at) != ',') {
        return null;
      }
      at = skipWhiteSpace(line, at + 1);
    }
  }

  /**
   * sent-protocol LWS sent-by *( SEMI via-params ), with no white space but after the protocol:
   * where the via-parm ends, or -1 when it is not in that form.
   */
  private static int viaParm(String line, int start, Via via) throws ParseException {
    int nameEnd = tokenEnd(line, start);
    if (nameEnd == start || !at(line, nameEnd, '/')) {
      return -1;
    }
    int versionEnd = tokenEnd(line, nameEnd + 1);
    if (versionEnd == nameEnd + 1 || !at(line, versionEnd, '/')) {
      return -1;
    }
    int transportEnd = tokenEnd(line, versionEnd + 1);
    int hostStart = skipWhiteSpace(line, transportEnd);
    if (transportEnd == versionEnd + 1 || hostStart == transportEnd) {
      return -1;
    }
    Protocol protocol = new Protocol();
    protocol.setProtocolName(line.substring(start, nameEnd));
    protocol.setProtocolVersion(line.substring(nameEnd + 1, versionEnd));
    protocol.setTransport(line.substring(versionEnd + 1, transportEnd));
    via.setSentProtocol(protocol);

    HostPort sentBy = new HostPort();
    int at = hostPort(line, hostStart, sentBy);
    if (at < 0) {
      return -1;
    }
    via.setSentBy(sentBy);

    while (at(line, at, ';')) {
      int paramEnd = tokenEnd(line, at + 1);
      if (paramEnd == at + 1) {
        return -1;
      }
      String name = line.substring(at + 1, paramEnd).toLowerCase();
      String value = null;
      at = paramEnd;
      if (at(line, at, '=')) {
        int valueEnd = tokenEnd(line, at + 1);
        if (valueEnd == at + 1) {
          return -1;
        }
        value = line.substring(at + 1, valueEnd);
        at = valueEnd;
        if (name.equals("received") && at < line.length() && isWhiteSpace(line.charAt(at))) {
          return -1; // JAIN-SIP reads received up to the next ";" or ",", white space and all
        }
      } else if (name.equals("branch")) {
        return -1; // JAIN-SIP refuses a branch without a value
      }
      via.setParameter(new NameValue(name, value));
    }
    if (at < line.length() && !isWhiteSpace(line.charAt(at)) && line.charAt(at) != ',') {
      return -1;
    }
    return at;
  }

  /** §20.8: JAIN-SIP takes the whole rest of the line as the Call-ID. */
  private static CallID callId(String line, int start) throws ParseException {
    CallID callId = new CallID();
    callId.setCallId(line.substring(start).trim());
    return callId;
  }

  /** §20.16: CSeq = 1*DIGIT LWS Method. */
  private static CSeq cseq(String line, int start) throws ParseException, InvalidArgumentException {
    int numberEnd = digitsEnd(line, start, 9);
    if (numberEnd < 0) {
      return null;
    }
    int methodStart = skipWhiteSpace(line, numberEnd);
    if (methodStart == numberEnd || tokenEnd(line, methodStart) != line.length()) {
      return null;
    }
    String method = line.substring(methodStart);
    if (!METHODS.contains(method)) {
      return null;
    }
    CSeq cseq = new CSeq();
    cseq.setSeqNumber(Long.parseLong(line, start, numberEnd, 10));
    // JAIN-SIP's parser hands setMethod the method's canonical, interned name; setMethod itself
    // makes it so, and for these methods that is JAIN-SIP's own constant.
    cseq.setMethod(method);
    return cseq;
  }

  /** §20.22: Max-Forwards = 1*DIGIT, which JAIN-SIP holds to 0..255. */
  private static MaxForwards maxForwards(String line, int start) throws InvalidArgumentException {
    if (digitsEnd(line, start, 3) != line.length()) {
      return null;
    }
    int hops = Integer.parseInt(line, start, line.length(), 10);
    if (hops > 255) {
      return null;
    }
    MaxForwards maxForwards = new MaxForwards();
    maxForwards.setMaxForwards(hops);
    return maxForwards;
  }

  /** §20.14: Content-Length = 1*DIGIT. */
  private static ContentLength contentLength(String line, int start)
      throws InvalidArgumentException {
    if (digitsEnd(line, start, 9) != line.length()) {
      return null;
    }
    ContentLength contentLength = new ContentLength();
    contentLength.setContentLength(Integer.parseInt(line, start, line.length(), 10));
    return contentLength;
  }

  private static boolean named(String line, int nameEnd, String name, String compact) {
    return (nameEnd == name.length() && line.regionMatches(true, 0, name, 0, nameEnd))
        || (compact != null
            && nameEnd == compact.length()
            && line.regionMatches(true, 0, compact, 0, nameEnd));
  }

  static boolean at(String line, int index, char c) {
    return index < line.length() && line.charAt(index) == c;
  }

  /** Where a run of {@link #TOKEN} characters from start ends. */
  private static int tokenEnd(String line, int start) {
    return end(line, start, TOKEN);
  }

  /** Where a run of the characters {@code chars} marks, from start, ends. */
  static int end(String line, int start, boolean[] chars) {
    int at = start;
    while (at < line.length() && line.charAt(at) < 128 && chars[line.charAt(at)]) {
      at++;
    }
    return at;
  }

  /**
   * host [":" port] from start into {@code hostPort}, as JAIN-SIP's HostNameParser.hostPort reads
   * it (a host name or IPv4 address of {@link #HOST} characters): where it ends, or -1. Read here,
   * a host is followed by at most a port and then ";", ">", "," or the line's end, so JAIN-SIP's
   * test for an IPv6 address without brackets (two colons before the next ";", "?" or ",") never
   * holds for it.
   */
  static int hostPort(String line, int start, HostPort hostPort) {
    int hostEnd = end(line, start, HOST);
    if (hostEnd == start) {
      return -1;
    }
    hostPort.setHost(new Host(line.substring(start, hostEnd)));
    if (!at(line, hostEnd, ':')) {
      return hostEnd;
    }
    int portEnd = digitsEnd(line, hostEnd + 1, 5);
    if (portEnd < 0) {
      return -1;
    }
    hostPort.setPort(Integer.parseInt(line, hostEnd + 1, portEnd, 10));
    return portEnd;
  }

  /** Where 1 to {@code most} digits from start end, or -1 when there are none or more. */
  private static int digitsEnd(String line, int start, int most) {
    int at = start;
    while (at < line.length() && line.charAt(at) >= '0' && line.charAt(at) <= '9') {
      at++;
    }
    return at == start || at - start > most ? -1 : at;
  }

  static int skipWhiteSpace(String line, int start) {
    int at = start;
    while (at < line.length() && isWhiteSpace(line.charAt(at))) {
      at++;
    }
    return at;
  }

  static boolean isWhiteSpace(char c) {
    return c == ' ' || c == '\t';
  }

  /** The ASCII characters that are letters, digits or one of {@code others}. */
  static boolean[] alphanumericAnd(String others) {
    boolean[] chars = new boolean[128];
    for (char c = 0; c < 128; c++) {
      chars[c] = isAsciiLetterOrDigit(c) || others.indexOf(c) >= 0;
    }
    return chars;
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
