package io.trunkline.relay.control;

/**
 * The outcome of reading a control datagram: bad input is a result, not an exception, so a receiver
 * can still answer it when it found a cookie to answer to.
 */
public sealed interface Decoded<T> {

  record Valid<T>(T message) implements Decoded<T> {}

  /**
   * @param cookie the cookie, when the datagram was readable that far; null otherwise
   * @param problem what was wrong, for the error reply's detail and the log
   */
  record Invalid<T>(String cookie, String problem) implements Decoded<T> {}
}
