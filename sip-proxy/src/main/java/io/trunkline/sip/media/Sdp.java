package io.trunkline.sip.media;

import io.trunkline.relay.control.MediaEndpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;

/**
 * The few SDP lines a relay cares about (RFC 4566): the connection address, the audio stream's port
 * and its RTCP attribute (RFC 3605). A trunk carries voice: the first audio stream is anchored and
 * any other stream is declined with port 0 (RFC 3264 §6), so no media can bypass the relay.
 */
public final class Sdp {

  /** The direction attributes of RFC 4566 §6 (RFC 3264 §5.1). */
  private static final Set<String> DIRECTIONS =
      Set.of("a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive");

  private Sdp() {}

  /** Where the sender of this SDP receives its first audio stream; empty when it has none. */
  public static Optional<MediaEndpoint> audio(String sdp) {
    FirstAudio audio = FirstAudio.of(sdp);
    String address = audio.address();
    if (audio.port() == null || audio.port() == 0 || address == null) {
      return Optional.empty();
    }
    try {
      InetAddress host = InetAddress.getByName(address);
      InetSocketAddress rtp = new InetSocketAddress(host, audio.port());
      if (audio.rtcpPort() == null) {
        return Optional.of(MediaEndpoint.of(rtp));
      }
      InetAddress rtcpHost =
          audio.rtcpAddress() == null ? host : InetAddress.getByName(audio.rtcpAddress());
      return Optional.of(new MediaEndpoint(rtp, new InetSocketAddress(rtcpHost, audio.rtcpPort())));
    } catch (UnknownHostException e) {
      // SDP should carry address literals; a name that does not resolve cannot be relayed.
      return Optional.empty();
    }
  }

  /**
   * Whether this SDP has its first audio stream flow both ways. Not when the stream is put on hold
   * or paused: {@code a=sendonly}, {@code a=recvonly} or {@code a=inactive}, the stream's own
   * attribute before the session's (RFC 4566 §6; RFC 3264 §8.4), the connection address {@code
   * 0.0.0.0} of older phones (RFC 2543 §B.5), a port of 0 (the stream refused, RFC 3264 §6), or no
   * audio at all. A call in such a state may carry no packet for as long as it lasts.
   */
  public static boolean sendsBothWays(String sdp) {
    FirstAudio audio = FirstAudio.of(sdp);
    String direction = audio.direction();
    return audio.port() != null
        && audio.port() != 0
        && !"0.0.0.0".equals(audio.address())
        && (direction == null || direction.equals("a=sendrecv"));
  }

  /**
   * What an SDP says of its first audio stream, session-level lines included where the stream has
   * none of its own (RFC 4566 §5): its port (null without an audio stream), connection address,
   * RTCP port and address (RFC 3605) and direction attribute.
   */
  private record FirstAudio(
      Integer port,
      String sessionAddress,
      String mediaAddress,
      Integer rtcpPort,
      String rtcpAddress,
      String sessionDirection,
      String mediaDirection) {

    static FirstAudio of(String sdp) {
      String sessionAddress = null;
      String mediaAddress = null;
      String sessionDirection = null;
      String mediaDirection = null;
      Integer port = null;
      Integer rtcpPort = null;
      String rtcpAddress = null;
      boolean inAudio = false;
      boolean seenAudio = false;
      for (String line : sdp.split("\r?\n")) {
        if (line.startsWith("m=")) {
          if (seenAudio) {
            break;
          }
          inAudio = line.startsWith("m=audio ");
          if (inAudio) {
            seenAudio = true;
            port = parsePort(line.split(" ")[1]);
          }
        } else if (line.startsWith("c=")) {
          if (!seenAudio) {
            sessionAddress = connectionAddress(line);
          } else if (inAudio) {
            mediaAddress = connectionAddress(line);
          }
        } else if (DIRECTIONS.contains(line.trim())) {
          if (!seenAudio) {
            sessionDirection = line.trim();
          } else if (inAudio) {
            mediaDirection = line.trim();
          }
        } else if (inAudio && line.startsWith("a=rtcp:")) {
          String[] parts = line.substring(7).trim().split(" ");
          rtcpPort = parsePort(parts[0]);
          if (parts.length >= 4) {
            rtcpAddress = parts[3];
          }
        }
      }
      return new FirstAudio(
          port,
          sessionAddress,
          mediaAddress,
          rtcpPort,
          rtcpAddress,
          sessionDirection,
          mediaDirection);
    }

    String address() {
      return mediaAddress != null ? mediaAddress : sessionAddress;
    }

    String direction() {
      return mediaDirection != null ? mediaDirection : sessionDirection;
    }
  }

  /**
   * The SDP with the relay in place of its sender: every connection line and the audio stream's
   * port and RTCP attribute name the relay; other streams are declined.
   */
  public static String anchor(String sdp, MediaEndpoint relay) {
    String ip = relay.rtp().getAddress().getHostAddress();
    String family = relay.rtp().getAddress() instanceof java.net.Inet6Address ? "IP6" : "IP4";
    String eol = sdp.contains("\r\n") ? "\r\n" : "\n";
    StringBuilder out = new StringBuilder(sdp.length() + 32);
    boolean inAudio = false;
    boolean seenAudio = false;
    for (String line : sdp.split("\r?\n")) {
      String rewritten = line;
      if (line.startsWith("m=")) {
        String[] parts = line.split(" ", 3);
        boolean anchored = !seenAudio && line.startsWith("m=audio ");
        inAudio = anchored;
        seenAudio |= anchored;
        String port = anchored ? Integer.toString(relay.rtp().getPort()) : "0";
        rewritten = parts[0] + " " + port + (parts.length > 2 ? " " + parts[2] : "");
      } else if (line.startsWith("c=") && (inAudio || !seenAudio)) {
        rewritten = "c=IN " + family + " " + ip;
      } else if (line.startsWith("o=")) {
        rewritten = originWith(line, family, ip);
      } else if (inAudio && line.startsWith("a=rtcp:")) {
        rewritten = "a=rtcp:" + relay.rtcp().getPort() + " IN " + family + " " + ip;
      }
      out.append(rewritten).append(eol);
    }
    return out.toString();
  }

  /** o=username sess-id sess-version nettype addrtype address: the address becomes the relay's. */
  private static String originWith(String line, String family, String ip) {
    String[] parts = line.split(" ");
    if (parts.length != 6) {
      return line;
    }
    return String.join(" ", parts[0], parts[1], parts[2], parts[3], family, ip);
  }

  private static String connectionAddress(String line) {
    String[] parts = line.substring(2).trim().split(" ");
    if (parts.length < 3) {
      return null;
    }
    String address = parts[2];
    int slash = address.indexOf('/');
    return slash < 0 ? address : address.substring(0, slash);
  }

  private static Integer parsePort(String text) {
    try {
      int slash = text.indexOf('/');
      return Integer.parseInt(slash < 0 ? text : text.substring(0, slash));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
