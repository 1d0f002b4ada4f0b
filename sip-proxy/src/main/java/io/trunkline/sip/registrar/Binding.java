package io.trunkline.sip.registrar;

import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One registered contact of a line (RFC 3261 §10). Calls go to {@code source}, where the REGISTER
 * came from, not to the contact's host: behind NAT the contact names an address nobody can reach
 * (the approach of RFC 5626's flows and every SBC's NAT handling).
 *
 * @param contact the Contact URI, which becomes the Request-URI of calls to the line
 */
public record Binding(
    String contact,
    InetSocketAddress source,
    Transport transport,
    Instant expires,
    String callId,
    long cseq) {}
