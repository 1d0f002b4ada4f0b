package io.trunkline.sip.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.relay.control.MediaEndpoint;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SdpTest {

  private static final String OFFER =
      "v=0\r\n"
          + "o=phone 1 1 IN IP4 192.168.1.20\r\n"
          + "s=-\r\n"
          + "c=IN IP4 192.168.1.20\r\n"
          + "t=0 0\r\n"
          + "m=audio 4000 RTP/AVP 0 8 101\r\n"
          + "a=rtcp:4011\r\n"
          + "a=rtpmap:0 PCMU/8000\r\n"
          + "m=video 5000 RTP/AVP 96\r\n"
          + "c=IN IP4 192.168.1.21\r\n";

  @Test
  void readsTheAudioStreamAndItsRtcpPort() {
    MediaEndpoint audio = Sdp.audio(OFFER).orElseThrow();

    assertThat(audio.rtp()).isEqualTo(new InetSocketAddress("192.168.1.20", 4000));
    assertThat(audio.rtcp()).isEqualTo(new InetSocketAddress("192.168.1.20", 4011));
  }

  @Test
  void aStreamOnHoldOrPausedDoesNotSendBothWays() {
    String audio = "v=0\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n";

    assertThat(Sdp.sendsBothWays(OFFER)).isTrue();
    assertThat(Sdp.sendsBothWays(audio + "a=sendrecv\r\n")).isTrue();
    assertThat(Sdp.sendsBothWays(audio + "a=sendonly\r\n")).isFalse();
    assertThat(Sdp.sendsBothWays(audio + "a=recvonly\r\n")).isFalse();
    assertThat(Sdp.sendsBothWays(audio + "a=inactive\r\n")).isFalse();
    // The session's direction applies to streams without their own; a stream's own wins.
    assertThat(Sdp.sendsBothWays(audio.replace("t=0 0", "a=inactive\r\nt=0 0"))).isFalse();
    assertThat(Sdp.sendsBothWays(audio.replace("t=0 0", "a=inactive\r\nt=0 0") + "a=sendrecv"))
        .isTrue();
    // Only the first audio stream counts: a video stream's direction says nothing of it.
    assertThat(Sdp.sendsBothWays(audio + "m=video 5000 RTP/AVP 96\r\na=inactive\r\n")).isTrue();
    // Hold the old way (RFC 2543), a refused stream, no audio at all.
    assertThat(Sdp.sendsBothWays(audio.replace("10.0.0.1", "0.0.0.0"))).isFalse();
    assertThat(Sdp.sendsBothWays(audio.replace("7000", "0"))).isFalse();
    assertThat(Sdp.sendsBothWays("v=0\r\nc=IN IP4 10.0.0.1\r\nm=video 5000 RTP/AVP 96\r\n"))
        .isFalse();
  }

  @Test
  void mediaLevelConnectionWinsAndRtcpDefaultsToTheNextPort() {
    String sdp = "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 7000 RTP/AVP 0\r\nc=IN IP4 10.0.0.2\r\n";

    MediaEndpoint audio = Sdp.audio(sdp).orElseThrow();

    assertThat(audio.rtp()).isEqualTo(new InetSocketAddress("10.0.0.2", 7000));
    assertThat(audio.rtcp().getPort()).isEqualTo(7001);
  }

  @Test
  void rewritesTheAudioToTheRelayAndDeclinesOtherStreams() {
    String anchored =
        Sdp.anchor(
            OFFER,
            new MediaEndpoint(
                new InetSocketAddress("203.0.113.5", 30000),
                new InetSocketAddress("203.0.113.5", 30001)));

    assertThat(anchored)
        .contains("o=phone 1 1 IN IP4 203.0.113.5\r\n")
        .contains("c=IN IP4 203.0.113.5\r\n")
        .contains("m=audio 30000 RTP/AVP 0 8 101\r\n")
        .contains("a=rtcp:30001 IN IP4 203.0.113.5\r\n")
        .contains("m=video 0 RTP/AVP 96\r\n")
        .doesNotContain("192.168.1.20")
        .endsWith("\r\n");
    assertThat(Sdp.audio(anchored).orElseThrow().rtp())
        .isEqualTo(new InetSocketAddress("203.0.113.5", 30000));
  }

  @Test
  void hasNoAudioWhenTheStreamIsDisabledOrMissing() {
    assertThat(Sdp.audio("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 0 RTP/AVP 0\r\n")).isEmpty();
    assertThat(Sdp.audio("v=0\r\nc=IN IP4 10.0.0.1\r\nm=video 5000 RTP/AVP 96\r\n")).isEmpty();
  }
}
