package io.trunkline.relay.control;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.time.Duration;

/**
 * Reads one relay's replies for its {@link RelayClient}: checks each datagram's signature, decodes
 * it, and hands the client what it can act on. A datagram that fails the check goes no further than
 * the log, whoever forged it, so it can neither steer media nor fail a call.
 */
final class ReplyReader extends SimpleChannelInboundHandler<DatagramPacket> {

  /** Refused replies are logged at most this often, with their count ({@link RefusalLog}). */
  static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);

  private static final System.Logger LOG = System.getLogger(ReplyReader.class.getName());

  /** What the client does with what its reader read; called on the channel's loop. */
  interface Replies {

    /** An authentic reply that decoded. */
    void reply(ControlReply reply);

    /**
     * An authentic reply that did not decode.
     *
     * @param cookie the request it answers, when that much could be read; else null
     */
    void unreadable(String cookie, String problem);

    /** The relay's port refused a request (ICMP port unreachable). */
    void unreachable(String why);
  }

  private final InetSocketAddress relay;
  private final ControlSigner signer;
  private final ControlCodec codec;
  private final Replies replies;

  /** Touched on the channel's loop only. */
  private final RefusalLog refusals = new RefusalLog(REFUSAL_LOG_INTERVAL, System.nanoTime());

  ReplyReader(InetSocketAddress relay, ControlSigner signer, ControlCodec codec, Replies replies) {
    this.relay = relay;
    this.signer = signer;
    this.codec = codec;
    this.replies = replies;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    byte[] datagram = ByteBufUtil.getBytes(packet.content());
    ControlSigner.Verification verification = signer.verifyReply(datagram, 0, datagram.length);
    if (verification instanceof ControlSigner.Verification.Refused refusal) {
      refused(refusal);
      return;
    }
    ControlSigner.Verification.Authentic json = (ControlSigner.Verification.Authentic) verification;
    Decoded<ControlReply> decoded = codec.decodeReply(datagram, json.offset(), json.length());
    if (decoded instanceof Decoded.Valid<ControlReply> valid) {
      replies.reply(valid.message());
      return;
    }
    Decoded.Invalid<ControlReply> invalid = (Decoded.Invalid<ControlReply>) decoded;
    LOG.log(
        System.Logger.Level.WARNING,
        () -> "unreadable reply from relay " + relay + ": " + invalid.problem());
    replies.unreadable(invalid.cookie(), invalid.problem());
  }

  private void refused(ControlSigner.Verification.Refused refusal) {
    long count = refusals.refused(System.nanoTime());
    if (count == 0) {
      return;
    }
    LOG.log(
        System.Logger.Level.WARNING,
        () ->
            count
                + " reply datagram(s) from "
                + relay
                + " refused, "
                + refusal.refusal()
                + " ("
                + refusal.problem()
                + "): forged, or damaged on the way");
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof PortUnreachableException) {
      replies.unreachable("relay " + relay + " refused the request (ICMP port unreachable)");
      return;
    }
    LOG.log(System.Logger.Level.DEBUG, () -> "relay client socket: " + cause);
  }
}
