package io.trunkline.bench.media;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** The little SDP (RFC 4566) the benchmark needs: a G.711 offer, and where an SDP wants RTP. */
final class Sdp {

  private Sdp() {}

  /** One PCMU audio stream received at {@code rtp}; RTCP on the next port (RFC 3550 §11). */
  static String pcmu(InetSocketAddress rtp, long sessionId) {
    String host = rtp.getAddress().getHostAddress();
    return "v=0\r\n"
        + "o=- "
        + sessionId
        + " 1 IN IP4 "
        + host
        + "\r\n"
        + "s=-\r\n"
        + "c=IN IP4 "
        + host
        + "\r\n"
        + "t=0 0\r\n"
        + "m=audio "
        + rtp.getPort()
        + " RTP/AVP 0\r\n"
        + "a=rtpmap:0 PCMU/8000\r\n"
        + "a=ptime:20\r\n"
        + "a=sendrecv\r\n";
  }

  /**
   * Where the first audio stream of {@code sdp} wants its RTP: the media-level {@code c=} if any,
   * else the session-level one, and the {@code m=audio} port.
   *
   * @throws IllegalArgumentException when either is missing
   */
  static InetSocketAddress audioRtp(String sdp) {
    String sessionHost = null;
    String mediaHost = null;
    int port = -1;
    for (String line : sdp.split("\r?\n")) {
      if (line.startsWith("c=IN IP4 ")) {
        String host = line.substring("c=IN IP4 ".length()).trim();
        if (port < 0) {
          sessionHost = host;
        } else if (mediaHost == null) {
          mediaHost = host;
        }
      } else if (line.startsWith("m=")) {
        if (port >= 0) {
          break; // only the first stream
        }
        String[] fields = line.substring(2).split(" ");
        if (!fields[0].equals("audio") || fields.length < 2) {
          throw new IllegalArgumentException("first m= line is not audio: " + line);
        }
        port = Integer.parseInt(fields[1]);
      }
    }
    String host = mediaHost != null ? mediaHost : sessionHost;
    if (host == null || port < 0) {
      throw new IllegalArgumentException("no c= or m=audio in SDP:\n" + sdp);
    }
    try {
      // An IP literal (the relays answer with one): no lookup happens.
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("c= is not an address: " + host, e);
    }
  }
}
