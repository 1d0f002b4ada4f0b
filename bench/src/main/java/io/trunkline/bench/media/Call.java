package io.trunkline.bench.media;

import java.net.InetSocketAddress;

/** One call's two phones and its two streams. */
final class Call {
  final String callId;
  final PhoneSocket caller;
  final PhoneSocket callee;
  final RtpStream up; // caller to callee
  final RtpStream down; // callee to caller

  Call(String callId, PhoneSocket caller, PhoneSocket callee, int packets, int salt) {
    this.callId = callId;
    this.caller = caller;
    this.callee = callee;
    this.up = new RtpStream(packets, salt | callee.incoming.size());
    this.down = new RtpStream(packets, salt | caller.incoming.size());
    caller.outgoing.add(up);
    callee.incoming.add(up);
    callee.outgoing.add(down);
    caller.incoming.add(down);
  }

  InetSocketAddress callerAddress() {
    return caller.address();
  }

  InetSocketAddress calleeAddress() {
    return callee.address();
  }
}
