package io.trunkline.sip.metrics;

/**
 * A stage's answer to a request it will not take: the status and reason phrase to send, how long
 * the sender should wait before trying again (0: no Retry-After), and the reason it is counted by.
 */
public record Refusal(int status, String phrase, int retryAfterSeconds, RejectReason counted) {

  public static Refusal of(int status, String phrase, RejectReason counted) {
    return new Refusal(status, phrase, 0, counted);
  }

  public static Refusal retryLater(int status, String phrase, int seconds, RejectReason counted) {
    return new Refusal(status, phrase, seconds, counted);
  }
}
