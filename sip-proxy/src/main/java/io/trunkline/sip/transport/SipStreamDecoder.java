package io.trunkline.sip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Frames SIP messages on a stream (TCP or TLS): headers up to the blank line, then exactly
 * Content-Length bytes of body (RFC 3261 §18.3, where Content-Length is mandatory on streams).
 * Answers RFC 5626 §3.5.1 keep-alive pings (CRLFCRLF) with a pong (CRLF). A stream whose framing is
 * lost cannot be resynchronised, so it is closed, counted.
 */
public final class SipStreamDecoder extends ByteToMessageDecoder {

  /** Default limit of a message's start line and headers. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 16_384;

  private static final System.Logger LOG = System.getLogger(SipStreamDecoder.class.getName());
  private static final ByteBuf HEADER_END =
      Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {'\r', '\n', '\r', '\n'}));
  private static final Pattern CONTENT_LENGTH =
      Pattern.compile("(?im)^(content-length|l)[ \\t]*:[ \\t]*([0-9]{1,9})[ \\t]*$");

  private final Transport transport;
  private final TransportStats stats;
  private final int maxHeaderBytes;
  private final int maxBodyBytes;

  public SipStreamDecoder(
      Transport transport, TransportStats stats, int maxHeaderBytes, int maxBodyBytes) {
    this.transport = transport;
    this.stats = stats;
    this.maxHeaderBytes = maxHeaderBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (keepAlives(in, out)) {
      return;
    }
    int headerEnd = ByteBufUtil.indexOf(HEADER_END.duplicate(), in);
    if (headerEnd < 0) {
      if (in.readableBytes() > maxHeaderBytes) {
        lose(ctx, in, "headers longer than " + maxHeaderBytes + " bytes");
      }
      return;
    }
    int headerLength = headerEnd - in.readerIndex() + 4;
    if (headerLength > maxHeaderBytes) {
      lose(ctx, in, "headers longer than " + maxHeaderBytes + " bytes");
      return;
    }
    String head = in.toString(in.readerIndex(), headerLength, StandardCharsets.ISO_8859_1);
    Matcher length = CONTENT_LENGTH.matcher(head);
    if (!length.find()) {
      lose(ctx, in, "no Content-Length on a stream");
      return;
    }
    int bodyLength = Integer.parseInt(length.group(2));
    if (length.find()) {
      // Two lengths leave the body's end unknown (RFC 4475 §3.3.9): as lost as none at all.
      lose(ctx, in, "more than one Content-Length on a stream");
      return;
    }
    if (bodyLength > maxBodyBytes) {
      lose(ctx, in, "body of " + bodyLength + " bytes exceeds " + maxBodyBytes);
      return;
    }
    if (in.readableBytes() < headerLength + bodyLength) {
      return;
    }
    byte[] message = new byte[headerLength + bodyLength];
    in.readBytes(message);
    out.add(
        new SipFrame(
            message,
            transport,
            inet(ctx.channel().remoteAddress()),
            inet(ctx.channel().localAddress()),
            ctx.channel()));
  }

  /** Socket channels have IP addresses; other channels (embedded ones in tests) have none. */
  private static InetSocketAddress inet(SocketAddress address) {
    return address instanceof InetSocketAddress inet ? inet : null;
  }

  /** Consumes leading keep-alives: CRLFCRLF is a ping to answer, a lone CRLF a pong to skip. */
  private boolean keepAlives(ByteBuf in, List<Object> out) {
    boolean seen = false;
    while (in.readableBytes() >= 2
        && in.getByte(in.readerIndex()) == '\r'
        && in.getByte(in.readerIndex() + 1) == '\n') {
      if (in.readableBytes() >= 4
          && in.getByte(in.readerIndex() + 2) == '\r'
          && in.getByte(in.readerIndex() + 3) == '\n') {
        in.skipBytes(4);
        out.add(StreamPing.INSTANCE);
      } else {
        in.skipBytes(2);
      }
      stats.keepAlive();
      seen = true;
    }
    return seen && !in.isReadable();
  }

  private void lose(ChannelHandlerContext ctx, ByteBuf in, String reason) {
    LOG.log(
        System.Logger.Level.INFO,
        "closing SIP stream from {0}: {1}",
        ctx.channel().remoteAddress(),
        reason);
    stats.malformed(false);
    in.skipBytes(in.readableBytes());
    ctx.close();
  }
}
