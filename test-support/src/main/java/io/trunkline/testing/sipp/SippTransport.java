package io.trunkline.testing.sipp;

/** sipp's transport modes ({@code -t}), one socket for all calls. */
public enum SippTransport {
  UDP("u1"),
  TCP("t1"),
  TLS("l1");

  private final String flag;

  SippTransport(String flag) {
    this.flag = flag;
  }

  String flag() {
    return flag;
  }
}
