package io.trunkline.relay.session;

import io.netty.channel.Channel;
import io.trunkline.relay.control.Component;
import io.trunkline.relay.control.LegReport;
import io.trunkline.relay.control.MediaEndpoint;
import io.trunkline.relay.port.PortPair;
import io.trunkline.relay.quality.ClockRates;
import io.trunkline.relay.quality.ReceptionStatistics;
import io.trunkline.relay.quality.RtpHeader;
import java.net.InetSocketAddress;

/**
 * One side of a relayed call: the relay's port pair facing that party, where that party receives
 * media, and what the relay received from it.
 *
 * <p>The mutable state is confined to the session's event loop (all four sockets of a session are
 * registered on one loop), so the per-packet path takes no lock; the control thread changes it
 * through {@link RelaySession#signal}.
 */
public final class Leg {

  private final PortPair ports;
  private final Channel rtpChannel;
  private final Channel rtcpChannel;
  private final boolean strictSource;

  private MediaEndpoint signalled;
  private InetSocketAddress rtpPeer;
  private InetSocketAddress rtcpPeer;
  private boolean rtpLatched;
  private boolean rtcpLatched;
  private ReceptionStatistics statistics;
  private long packets;
  private long bytes;

  /**
   * @param strictSource accept media only from the signalled address, never latch onto another
   */
  public Leg(PortPair ports, Channel rtpChannel, Channel rtcpChannel, boolean strictSource) {
    this.ports = ports;
    this.rtpChannel = rtpChannel;
    this.rtcpChannel = rtcpChannel;
    this.strictSource = strictSource;
  }

  public PortPair ports() {
    return ports;
  }

  public Channel channel(Component component) {
    return component == Component.RTP ? rtpChannel : rtcpChannel;
  }

  /**
   * Takes the party's media address from signalling. A repeated offer or answer with the same
   * address changes nothing, so a latched address survives retransmissions; a new address (a
   * re-INVITE moving the stream) is taken and latching starts over.
   */
  void signal(MediaEndpoint endpoint) {
    if (endpoint.equals(signalled)) {
      return;
    }
    signalled = endpoint;
    rtpPeer = endpoint.rtp();
    rtcpPeer = endpoint.rtcp();
    rtpLatched = false;
    rtcpLatched = false;
  }

  /**
   * Decides whether a packet from {@code source} is this party's media. Symmetric latching: a phone
   * behind NAT sends from an address its SDP cannot know, so the first packet's source becomes
   * where the relay sends (symmetric RTP, RFC 4961); later packets from elsewhere are still relayed
   * but move nothing. With strict source only the signalled address is accepted.
   */
  public boolean admit(InetSocketAddress source, Component component) {
    if (strictSource) {
      return signalled != null && source.equals(signalled.address(component));
    }
    if (component == Component.RTP) {
      if (!rtpLatched) {
        rtpPeer = source;
        rtpLatched = true;
      }
    } else if (!rtcpLatched) {
      rtcpPeer = source;
      rtcpLatched = true;
    }
    return true;
  }

  /** Where this party receives the component, or null before signalling or latching told us. */
  public InetSocketAddress peer(Component component) {
    return component == Component.RTP ? rtpPeer : rtcpPeer;
  }

  /** Counts one RTP packet this party sent. */
  public void received(RtpHeader header, int length, long arrivalNanos) {
    packets++;
    bytes += length;
    if (statistics == null) {
      statistics = new ReceptionStatistics(ClockRates.of(header.payloadType()));
    }
    statistics.received(header, length, arrivalNanos);
  }

  /**
   * Packets and bytes are the relay's own count of every RTP packet; loss and jitter come from the
   * RFC 3550 A.1 statistics, which leave out the probation packet and restart with a new source.
   */
  LegReport report() {
    if (statistics == null) {
      return new LegReport(packets, bytes, 0, 0);
    }
    return new LegReport(packets, bytes, statistics.lost(), statistics.jitterSeconds());
  }

  void close() {
    rtpChannel.close();
    rtcpChannel.close();
  }
}
