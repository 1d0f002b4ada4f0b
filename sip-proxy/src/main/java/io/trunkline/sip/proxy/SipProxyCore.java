package io.trunkline.sip.proxy;

import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.transport.InboundMessage;
import io.trunkline.sip.transport.SipRequestHandler;
import java.text.ParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The proxy's answer to each request. So far: OPTIONS, which PBXs, carriers and load balancers send
 * as liveness probes, is answered 200 (RFC 3261 §11); any other method is answered 501 Not
 * Implemented until routing lands, and responses addressed to no transaction are dropped.
 */
public final class SipProxyCore implements SipRequestHandler {

  /** The methods answered today (RFC 3261 §20.5: Allow lists what is supported). */
  static final List<String> ALLOW = List.of(Request.OPTIONS);

  private static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();

  @Override
  public Optional<byte[]> handle(InboundMessage inbound) {
    if (!(inbound.message() instanceof SIPRequest request)) {
      return Optional.empty();
    }
    if (Request.ACK.equals(request.getMethod())) {
      // An ACK is never answered (RFC 3261 §17.1.1.3).
      return Optional.empty();
    }
    SIPResponse response;
    if (Request.OPTIONS.equals(request.getMethod())) {
      response = request.createResponse(Response.OK);
      try {
        for (String method : ALLOW) {
          response.addHeader(HEADERS.createAllowHeader(method));
        }
        response.addHeader(HEADERS.createAcceptHeader("application", "sdp"));
      } catch (ParseException e) {
        throw new IllegalStateException("constant headers always parse", e);
      }
    } else {
      response = request.createResponse(Response.NOT_IMPLEMENTED, "Not Implemented");
    }
    if (response.getTo().getTag() == null) {
      // A UAS response carries a To tag (RFC 3261 §8.2.6.2).
      setTag(response);
    }
    return Optional.of(response.encodeAsBytes(inbound.transport().name()));
  }

  private static void setTag(SIPResponse response) {
    try {
      response.getTo().setTag(UUID.randomUUID().toString().substring(0, 8));
    } catch (ParseException e) {
      throw new IllegalStateException("a hex tag always parses", e);
    }
  }
}
