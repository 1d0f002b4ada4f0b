package io.trunkline.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.trunkline.sip.message.SipParser;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stream decoder framing, and the inbound handler answering, as one connection's pipeline. */
class SipStreamDecoderTest {

  private static final String OPTIONS =
      "OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
          + "Via: SIP/2.0/TCP 127.0.0.2:5070;branch=z9hG4bK-1\r\n"
          + "From: <sip:probe@127.0.0.2>;tag=1\r\n"
          + "To: <sip:127.0.0.1>\r\n"
          + "Call-ID: c1@127.0.0.2\r\n"
          + "CSeq: 1 OPTIONS\r\n"
          + "Content-Length: 4\r\n"
          + "\r\n"
          + "body";

  private final TransportStats stats = new TransportStats();
  private final List<InboundMessage> handled = new ArrayList<>();
  private final EmbeddedChannel channel =
      new EmbeddedChannel(
          new SipStreamDecoder(Transport.TCP, stats, 512, 1024),
          new SipInboundHandler(
              new SipParser(),
              stats,
              new CallWorkers(List.of(Runnable::run)),
              handled::add,
              new SameConnection()));

  /** Replies as the server does on a stream: over the connection the request came on. */
  private static final class SameConnection implements SipSender {
    @Override
    public void reply(InboundMessage request, byte[] response) {
      request.channel().writeAndFlush(Unpooled.wrappedBuffer(response));
    }

    @Override
    public void send(SIPMessage message, Transport transport, InetSocketAddress destination) {
      throw new UnsupportedOperationException("a connection's pipeline only replies");
    }
  }

  @AfterEach
  void nothingLeftOver() {
    channel.finishAndReleaseAll();
  }

  @Test
  void framesTwoMessagesInOneReadByContentLength() {
    channel.writeInbound(buffer(OPTIONS + OPTIONS.replace("c1@", "c2@")));

    assertThat(handled)
        .extracting(SipStreamDecoderTest::callId)
        .containsExactly("c1@127.0.0.2", "c2@127.0.0.2");
  }

  @Test
  void waitsForAMessageSplitAcrossReads() {
    channel.writeInbound(buffer(OPTIONS.substring(0, 40)));
    channel.writeInbound(buffer(OPTIONS.substring(40, OPTIONS.length() - 2)));
    assertThat(handled).isEmpty();
    channel.writeInbound(buffer(OPTIONS.substring(OPTIONS.length() - 2)));

    assertThat(handled).extracting(SipStreamDecoderTest::callId).containsExactly("c1@127.0.0.2");
  }

  @Test
  void answersAKeepAlivePingWithAPong() {
    channel.writeInbound(buffer("\r\n\r\n"));

    ByteBuf pong = channel.readOutbound();
    assertThat(pong.toString(StandardCharsets.US_ASCII)).isEqualTo("\r\n");
    pong.release();
    assertThat(stats.keepAliveCount()).isEqualTo(1);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void closesAStreamWithoutContentLength() {
    channel.writeInbound(buffer(OPTIONS.replace("Content-Length: 4\r\n", "")));

    assertThat(channel.isOpen()).isFalse();
    assertThat(stats.malformedCount()).isEqualTo(1);
  }

  @Test
  void closesAStreamWithTwoContentLengths() {
    channel.writeInbound(
        buffer(OPTIONS.replace("Content-Length: 4\r\n", "Content-Length: 4\r\nl: 2\r\n")));

    assertThat(handled).isEmpty();
    assertThat(channel.isOpen()).isFalse();
    assertThat(stats.malformedCount()).isEqualTo(1);
  }

  @Test
  void closesAStreamWhoseHeadersNeverEnd() {
    channel.writeInbound(buffer("OPTIONS sip:127.0.0.1 SIP/2.0\r\n" + "X-Flood: y\r\n".repeat(60)));

    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void answersABrokenButFramedRequestAndKeepsTheStream() {
    channel.writeInbound(buffer(OPTIONS.replace("CSeq: 1 OPTIONS", "CSeq: x OPTIONS")));

    ByteBuf reply = channel.readOutbound();
    assertThat(reply.toString(StandardCharsets.US_ASCII)).startsWith("SIP/2.0 400 Bad Request");
    reply.release();
    assertThat(channel.isOpen()).isTrue();
    assertThat(stats.badRequestsSentCount()).isEqualTo(1);
  }

  private static String callId(InboundMessage message) {
    return message.message().getCallId().getCallId();
  }

  private static ByteBuf buffer(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
  }
}
