package io.trunkline.sip.message;

import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import java.nio.charset.StandardCharsets;
import javax.sip.InvalidArgumentException;
import javax.sip.header.Header;

/** Headers, addresses and bodies the proxy reads or writes, on JAIN-SIP's model. */
public final class SipHeaders {

  public static final HeaderFactoryImpl FACTORY = new HeaderFactoryImpl();
  public static final AddressFactoryImpl ADDRESSES = new AddressFactoryImpl();

  private SipHeaders() {}

  /** A header the proxy writes from text it made or checked. */
  public static Header of(String name, String value) {
    try {
      return FACTORY.createHeader(name, value);
    } catch (java.text.ParseException e) {
      throw new IllegalArgumentException(name + ": " + value + " does not parse", e);
    }
  }

  /** A header's value as it was written, without its name. */
  public static String value(Header header) {
    return ((SIPHeader) header).getHeaderValue();
  }

  /** The message's SDP body, or null when it has none. */
  public static String sdp(SIPMessage message) {
    byte[] body = message.getRawContent();
    if (body == null
        || body.length == 0
        || message.getContentTypeHeader() == null
        || !"sdp".equalsIgnoreCase(message.getContentTypeHeader().getContentSubType())) {
      return null;
    }
    return new String(body, StandardCharsets.UTF_8);
  }

  public static void setSdp(SIPMessage message, String sdp) {
    message.setMessageContent("application", "sdp", sdp.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Moves a message's CSeq number by {@code offset}: the proxy answered a carrier's challenge with
   * the next CSeq (§22.2), so the caller's side and the callee's side count apart by one.
   */
  public static void shiftCseq(SIPMessage message, long offset) {
    if (offset == 0) {
      return;
    }
    try {
      message.getCSeq().setSeqNumber(message.getCSeq().getSeqNumber() + offset);
    } catch (InvalidArgumentException e) {
      throw new IllegalStateException("CSeq numbers stay below 2^31 (§8.1.1.5)", e);
    }
  }
}
