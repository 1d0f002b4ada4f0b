package io.trunkline.sip.routing;

import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import javax.sip.address.URI;

/**
 * Where one branch of a call goes: the Request-URI to send and the address to send it to.
 *
 * @param carrier the carrier, or null for a registered line or PBX contact
 */
public record CallTarget(
    URI requestUri, InetSocketAddress destination, Transport transport, Carrier carrier) {}
