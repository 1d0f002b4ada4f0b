package io.trunkline.sip.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.trunkline.sip.message.ParseResult;
import io.trunkline.sip.message.SipParser;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * One datagram is one SIP message (RFC 3261 §18.3). The event loop only reads: parsing and the
 * proxy's work run on worker threads chosen by Call-ID, so one UDP socket (a PBX's whole trunk
 * arrives on one 5-tuple) can use every core while each call's messages stay in order. Bad
 * datagrams are answered with 400 when they can be addressed and dropped (counted) otherwise.
 */
@Sharable
public final class SipDatagramDecoder extends SimpleChannelInboundHandler<DatagramPacket> {

  private final SipParser parser;
  private final TransportStats stats;
  private final SipMessageHandler handler;
  private final Executor[] workers;

  public SipDatagramDecoder(
      SipParser parser, TransportStats stats, SipMessageHandler handler, Executor[] workers) {
    this.parser = parser;
    this.stats = stats;
    this.handler = handler;
    this.workers = workers.clone();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    byte[] bytes = ByteBufUtil.getBytes(packet.content());
    if (isKeepAlive(bytes)) {
      // CRLF keep-alives carry no message (RFC 5626 §4.4.1 and common practice): ignore them.
      stats.keepAlive();
      return;
    }
    Channel channel = ctx.channel();
    InetSocketAddress sender = packet.sender();
    int worker = Math.floorMod(callIdHash(bytes, sender), workers.length);
    workers[worker].execute(() -> process(channel, sender, bytes));
  }

  private void process(Channel channel, InetSocketAddress sender, byte[] bytes) {
    ParseResult result = parser.parse(bytes);
    if (result instanceof ParseResult.Parsed parsed) {
      stats.received();
      InboundMessage message =
          new InboundMessage(
              parsed.message(),
              Transport.UDP,
              sender,
              (InetSocketAddress) channel.localAddress(),
              channel);
      SipInboundHandler.handle(handler, message);
    } else if (result instanceof ParseResult.Malformed malformed) {
      stats.malformed(malformed.badRequest().isPresent());
      malformed
          .badRequest()
          .ifPresent(
              reply ->
                  channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(reply), sender)));
    }
  }

  /**
   * A hash of the Call-ID header's value (or compact {@code i}, RFC 3261 §7.3.3) found by a plain
   * scan, before any parsing; the sender's address when there is none.
   */
  static int callIdHash(byte[] bytes, InetSocketAddress sender) {
    for (int i = 0; i + 3 < bytes.length; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      int value = headerValue(bytes, i + 1);
      if (value > 0) {
        int hash = 17;
        for (int j = value; j < bytes.length && bytes[j] != '\r' && bytes[j] != '\n'; j++) {
          hash = 31 * hash + bytes[j];
        }
        return hash;
      }
    }
    return sender == null ? 0 : sender.hashCode();
  }

  /** Where the value starts if a Call-ID header starts at {@code at}, else -1. */
  private static int headerValue(byte[] bytes, int at) {
    int name;
    if (matches(bytes, at, "call-id")) {
      name = at + 7;
    } else if (at < bytes.length && (bytes[at] == 'i' || bytes[at] == 'I')) {
      name = at + 1;
    } else {
      return -1;
    }
    int i = name;
    while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t')) {
      i++;
    }
    if (i >= bytes.length || bytes[i] != ':') {
      return -1;
    }
    i++;
    while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean matches(byte[] bytes, int at, String lowerCase) {
    if (at + lowerCase.length() > bytes.length) {
      return false;
    }
    for (int k = 0; k < lowerCase.length(); k++) {
      if (Character.toLowerCase((char) bytes[at + k]) != lowerCase.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isKeepAlive(byte[] bytes) {
    for (byte b : bytes) {
      if (b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }
}
