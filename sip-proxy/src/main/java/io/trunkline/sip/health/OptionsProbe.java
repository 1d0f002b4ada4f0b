package io.trunkline.sip.health;

import gov.nist.javax.sip.message.MessageFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.sip.config.ServedTrunk;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.transaction.ClientTransaction;
import io.trunkline.sip.transaction.TransactionLayer;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.FromHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

/**
 * Sends a carrier the OPTIONS probe of RFC 3261 §11 (what a carrier's own probes look like), out of
 * the dialog, through a client transaction so its answer is matched and its silence timed.
 */
public final class OptionsProbe implements CarrierProber.ProbeSender {

  private static final MessageFactoryImpl MESSAGES = new MessageFactoryImpl();
  private static final int MAX_FORWARDS = 70;

  private final TransactionLayer transactions;
  private final Supplier<ServedTrunk> trunks;
  private final String advertisedHost;
  private final int port;
  private final int tlsPort;

  /**
   * @param advertisedHost the host the proxy's Via and From name, as carriers reach it
   */
  public OptionsProbe(
      TransactionLayer transactions,
      Supplier<ServedTrunk> trunks,
      String advertisedHost,
      int port,
      int tlsPort) {
    this.transactions = transactions;
    this.trunks = trunks;
    this.advertisedHost = advertisedHost;
    this.port = port;
    this.tlsPort = tlsPort;
  }

  @Override
  public void probe(Carrier carrier, ClientTransaction.Listener listener) {
    Optional<InetSocketAddress> address = trunks.get().carrierAddress(carrier.name());
    if (address.isEmpty()) {
      return;
    }
    Transport transport = ServedTrunk.transportOf(carrier);
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    transactions.startClient(
        options(carrier, transport, id), transport, address.get(), 0, listener);
  }

  /** The OPTIONS itself: a fresh Call-ID, From tag and branch per probe. */
  SIPRequest options(Carrier carrier, Transport transport, String id) {
    try {
      SipURI target = SipHeaders.ADDRESSES.createSipURI(null, carrier.host());
      target.setPort(carrier.port());
      SipURI self = SipHeaders.ADDRESSES.createSipURI("trunkline", advertisedHost);
      Address to = SipHeaders.ADDRESSES.createAddress(target);
      FromHeader from =
          SipHeaders.FACTORY.createFromHeader(SipHeaders.ADDRESSES.createAddress(self), id);
      ViaHeader via =
          SipHeaders.FACTORY.createViaHeader(
              advertisedHost,
              transport == Transport.TLS ? tlsPort : port,
              transport.name(),
              TransactionLayer.MAGIC_COOKIE + "tlp" + id);
      via.setRPort();
      return (SIPRequest)
          MESSAGES.createRequest(
              target,
              Request.OPTIONS,
              SipHeaders.FACTORY.createCallIdHeader(id + "@" + advertisedHost),
              SipHeaders.FACTORY.createCSeqHeader(1L, Request.OPTIONS),
              from,
              SipHeaders.FACTORY.createToHeader(to, null),
              List.of(via),
              SipHeaders.FACTORY.createMaxForwardsHeader(MAX_FORWARDS));
    } catch (ParseException | InvalidArgumentException e) {
      throw new IllegalStateException("a compiled carrier and the proxy's host always parse", e);
    }
  }
}
