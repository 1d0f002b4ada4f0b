package io.trunkline.sip.message;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.InvalidArgumentException;
import javax.sip.header.Header;
import javax.sip.message.Request;
import javax.sip.message.Response;

/** The responses the proxy makes itself, as a UAS would (RFC 3261 §8.2.6). */
public final class Responses {

  /** What OPTIONS answers list (RFC 3261 §20.5); other in-dialog methods are forwarded too. */
  public static final List<String> ALLOW =
      List.of(
          Request.INVITE,
          Request.ACK,
          Request.BYE,
          Request.CANCEL,
          Request.OPTIONS,
          Request.REGISTER);

  private Responses() {}

  /** A response to {@code request}; a final one carries a To tag (§8.2.6.2). */
  public static SIPResponse of(SIPRequest request, int status, String reason) {
    SIPResponse response =
        reason == null ? request.createResponse(status) : request.createResponse(status, reason);
    if (status > Response.TRYING && response.getTo().getTag() == null) {
      try {
        response.getTo().setTag(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
      } catch (ParseException e) {
        throw new IllegalStateException("a hex tag always parses", e);
      }
    }
    return response;
  }

  /** A response telling the sender when to try again (§20.33). */
  public static SIPResponse withRetryAfter(SIPResponse response, int seconds) {
    try {
      response.addHeader(SipHeaders.FACTORY.createRetryAfterHeader(seconds));
      return response;
    } catch (InvalidArgumentException e) {
      throw new IllegalStateException("a positive Retry-After is valid", e);
    }
  }

  /** 200 to OPTIONS addressed to the proxy (§11.2). */
  public static SIPResponse options(SIPRequest request) {
    SIPResponse ok = of(request, Response.OK, null);
    allow(ok);
    ok.addHeader(SipHeaders.of("Accept", "application/sdp"));
    return ok;
  }

  /** 405 naming the methods the proxy serves (§8.2.1). */
  public static SIPResponse methodNotAllowed(SIPRequest request) {
    SIPResponse refused = of(request, Response.METHOD_NOT_ALLOWED, null);
    allow(refused);
    return refused;
  }

  /**
   * 420 naming in Unsupported every option {@code request} asks for in the header {@code required}
   * (Proxy-Require or Require), since this proxy supports none (§8.2.2.3, §16.3 step 5); null when
   * it asks for none.
   */
  public static SIPResponse badExtension(SIPRequest request, String required) {
    List<String> options = new ArrayList<>();
    ListIterator<?> headers = request.getHeaders(required);
    while (headers.hasNext()) {
      options.add(SipHeaders.value((Header) headers.next()).trim());
    }
    if (options.isEmpty()) {
      return null;
    }
    SIPResponse refused = of(request, Response.BAD_EXTENSION, null);
    for (String option : options) {
      refused.addHeader(SipHeaders.of("Unsupported", option));
    }
    return refused;
  }

  private static void allow(SIPResponse response) {
    for (String method : ALLOW) {
      response.addHeader(SipHeaders.of("Allow", method));
    }
  }
}
