package io.trunkline.bench.media;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** One socket standing for several phones, and the streams those phones receive. */
final class PhoneSocket {

  /** The SSRC's low 16 bits are the stream's place on its receiving socket. */
  static final int MAX_PHONES_PER_SOCKET = 1 << 16;

  final EventLoop loop;
  final List<RtpStream> outgoing = new ArrayList<>();
  final List<RtpStream> incoming = new ArrayList<>();
  Channel channel;

  PhoneSocket(EventLoop loop) {
    this.loop = loop;
  }

  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }
}
